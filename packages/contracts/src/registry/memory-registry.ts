import { type CompatibilityLevel, compatibilityErrors } from './compatibility';
import { type RegisteredSchema, type SchemaRegistry, SchemaRegistryError } from './schema-registry';

/** Canonical form for identity checks: whitespace-insensitive JSON. */
const canonical = (schema: string): string => JSON.stringify(JSON.parse(schema));

/** An in-process registry with Confluent's rules (ids global, versions per subject, BACKWARD default). */
export class MemorySchemaRegistry implements SchemaRegistry {
  private readonly byId = new Map<number, string>();
  private readonly idByCanonical = new Map<string, number>();
  private readonly subjects = new Map<string, RegisteredSchema[]>();
  private readonly levels = new Map<string, CompatibilityLevel>();
  private nextId = 1;

  constructor(private defaultLevel: CompatibilityLevel = 'BACKWARD') {}

  setCompatibility(level: CompatibilityLevel, subject?: string): void {
    if (subject) this.levels.set(subject, level);
    else this.defaultLevel = level;
  }

  compatibilityOf(subject: string): CompatibilityLevel {
    return this.levels.get(subject) ?? this.defaultLevel;
  }

  async register(subject: string, schema: string): Promise<number> {
    const text = canonical(schema);
    const versions = this.subjects.get(subject) ?? [];
    const existing = versions.find((v) => canonical(v.schema) === text);
    if (existing) return existing.id;
    const errors = compatibilityErrors(
      this.compatibilityOf(subject),
      text,
      versions.map((v) => v.schema),
    );
    if (errors.length > 0) {
      throw new SchemaRegistryError(
        `Schema being registered is incompatible with an earlier schema for subject "${subject}": ${errors.join('; ')}`,
        409,
        409,
      );
    }
    let id = this.idByCanonical.get(text);
    if (id === undefined) {
      id = this.nextId++;
      this.idByCanonical.set(text, id);
      this.byId.set(id, text);
    }
    versions.push({ subject, id, version: versions.length + 1, schema: text });
    this.subjects.set(subject, versions);
    return id;
  }

  async schemaById(id: number): Promise<string> {
    const schema = this.byId.get(id);
    if (!schema) throw new SchemaRegistryError(`Schema ${id} not found`, 404, 40403);
    return schema;
  }

  async latest(subject: string): Promise<RegisteredSchema> {
    const latest = this.subjects.get(subject)?.at(-1);
    if (!latest) throw new SchemaRegistryError(`Subject '${subject}' not found.`, 404, 40401);
    return latest;
  }

  async isCompatible(subject: string, schema: string): Promise<boolean> {
    const versions = this.subjects.get(subject) ?? [];
    return (
      compatibilityErrors(
        this.compatibilityOf(subject),
        canonical(schema),
        versions.map((v) => v.schema),
      ).length === 0
    );
  }
}
