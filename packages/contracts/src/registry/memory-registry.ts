import avro from 'avsc';
import { avroOptions } from '../avro/load';
import { type CompatibilityLevel, compatibilityErrors } from './compatibility';
import { type RegisteredSchema, type SchemaRegistry, SchemaRegistryError } from './schema-registry';

/** Canonical form for identity checks: whitespace-insensitive JSON. */
export const canonicalSchema = (schema: string): string => {
  try {
    return JSON.stringify(JSON.parse(schema));
  } catch (err) {
    throw new SchemaRegistryError(`Invalid schema: ${(err as Error).message}`, 422, 42201);
  }
};

/** Refuses text that is not a valid, self-contained Avro schema (Confluent: 422 / 42201). */
function assertAvro(text: string): void {
  try {
    avro.Type.forSchema(JSON.parse(text), avroOptions());
  } catch (err) {
    throw new SchemaRegistryError(`Invalid schema: ${(err as Error).message}`, 422, 42201);
  }
}

interface Version extends RegisteredSchema {
  deleted: boolean;
}

/**
 * A registry with Confluent's rules: ids global and shared by identical schemas, versions per
 * subject, soft deletes, compatibility per subject (BACKWARD by default). Used in process by
 * tests and as the engine of Nagare's embedded registry server, which persists its changes.
 */
export class MemorySchemaRegistry implements SchemaRegistry {
  private readonly byId = new Map<number, string>();
  private readonly idByCanonical = new Map<string, number>();
  private readonly subjectVersions = new Map<string, Version[]>();
  private readonly levels = new Map<string, CompatibilityLevel>();
  private nextId = 1;

  constructor(private defaultLevel: CompatibilityLevel = 'BACKWARD') {}

  setCompatibility(level: CompatibilityLevel, subject?: string): void {
    if (subject) this.levels.set(subject, level);
    else this.defaultLevel = level;
  }

  compatibilityOf(subject?: string): CompatibilityLevel {
    return (subject && this.levels.get(subject)) || this.defaultLevel;
  }

  /** Subject-level compatibility only when one was set for it. */
  subjectCompatibility(subject: string): CompatibilityLevel | undefined {
    return this.levels.get(subject);
  }

  async register(subject: string, schema: string): Promise<number> {
    return this.registerVersion(subject, schema).id;
  }

  /** Registers and returns the whole version; `restored` bypasses checks (replaying a persisted log). */
  registerVersion(
    subject: string,
    schema: string,
    restored?: { id: number; version: number },
  ): RegisteredSchema {
    const text = canonicalSchema(schema);
    const versions = this.subjectVersions.get(subject) ?? [];
    const live = versions.filter((v) => !v.deleted);
    if (!restored) {
      const existing = live.find((v) => v.schema === text);
      if (existing) return strip(existing);
      assertAvro(text);
      const errors = compatibilityErrors(
        this.compatibilityOf(subject),
        text,
        live.map((v) => v.schema),
      );
      if (errors.length > 0) {
        throw new SchemaRegistryError(
          `Schema being registered is incompatible with an earlier schema for subject "${subject}": ${errors.join('; ')}`,
          409,
          409,
        );
      }
    }
    let id = restored?.id ?? this.idByCanonical.get(text);
    if (id === undefined) id = this.nextId;
    this.nextId = Math.max(this.nextId, id + 1);
    this.idByCanonical.set(text, id);
    this.byId.set(id, text);
    const version = restored?.version ?? (versions.at(-1)?.version ?? 0) + 1;
    const entry: Version = { subject, id, version, schema: text, deleted: false };
    versions.push(entry);
    this.subjectVersions.set(subject, versions);
    return strip(entry);
  }

  async schemaById(id: number): Promise<string> {
    const schema = this.byId.get(id);
    if (!schema) throw new SchemaRegistryError(`Schema ${id} not found`, 404, 40403);
    return schema;
  }

  async latest(subject: string): Promise<RegisteredSchema> {
    return this.version(subject, 'latest');
  }

  version(subject: string, version: number | 'latest'): RegisteredSchema {
    const live = this.liveVersions(subject);
    const found = version === 'latest' ? live.at(-1) : live.find((v) => v.version === version);
    if (!found) throw new SchemaRegistryError(`Version ${version} not found.`, 404, 40402);
    return strip(found);
  }

  subjects(): string[] {
    return [...this.subjectVersions.keys()]
      .filter((s) => this.subjectVersions.get(s)!.some((v) => !v.deleted))
      .sort();
  }

  versions(subject: string): number[] {
    return this.liveVersions(subject).map((v) => v.version);
  }

  /** The version of `subject` holding exactly this schema. */
  lookup(subject: string, schema: string): RegisteredSchema {
    const text = canonicalSchema(schema);
    const found = this.liveVersions(subject).find((v) => v.schema === text);
    if (!found) throw new SchemaRegistryError('Schema not found', 404, 40403);
    return strip(found);
  }

  /** Soft-deletes a subject (or one version); returns the versions deleted. */
  deleteSubject(subject: string, version?: number | 'latest'): number[] {
    const live = this.liveVersions(subject);
    const targets =
      version === undefined
        ? live
        : [version === 'latest' ? live.at(-1) : live.find((v) => v.version === version)];
    const deleted: number[] = [];
    for (const v of targets) {
      if (!v) throw new SchemaRegistryError(`Version ${version} not found.`, 404, 40402);
      v.deleted = true;
      deleted.push(v.version);
    }
    return deleted;
  }

  subjectsOfId(id: number): { subject: string; version: number }[] {
    return [...this.subjectVersions.values()]
      .flat()
      .filter((v) => v.id === id && !v.deleted)
      .map((v) => ({ subject: v.subject, version: v.version }));
  }

  async isCompatible(subject: string, schema: string): Promise<boolean> {
    return this.compatibilityErrorsFor(subject, schema).length === 0;
  }

  /** Why `schema` is incompatible with the subject's versions up to `version` (all by default). */
  compatibilityErrorsFor(subject: string, schema: string, version: number | 'latest' = 'latest'): string[] {
    const live = this.liveVersions(subject);
    const upTo = version === 'latest' ? live : live.filter((v) => v.version <= version);
    return compatibilityErrors(
      this.compatibilityOf(subject),
      canonicalSchema(schema),
      upTo.map((v) => v.schema),
    );
  }

  private liveVersions(subject: string): Version[] {
    const live = (this.subjectVersions.get(subject) ?? []).filter((v) => !v.deleted);
    if (live.length === 0) throw new SchemaRegistryError(`Subject '${subject}' not found.`, 404, 40401);
    return live;
  }
}

const strip = ({ deleted: _d, ...v }: Version): RegisteredSchema => v;
