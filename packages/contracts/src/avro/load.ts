import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import avro from 'avsc';
import { schemasDir } from './schemas-dir';

/** One .avsc file: its top-level record, the folder (topic) it lives in and its raw JSON. */
export interface SchemaFile {
  /** Full Avro name, e.g. nagare.telemetry.MetricBatch. */
  name: string;
  /** Folder under schemas/, which is the topic name (or common/, agent-protocol/, dlq/). */
  folder: string;
  file: string;
  json: avro.Schema & { name: string; namespace?: string };
}

/**
 * Parse options for every avsc type. A fresh object each time: avsc stores its registry of
 * named types in the options it is given.
 * - null|T unions decode to T or null; unions of several records stay wrapped as { 'full.Name': value }.
 * - Logical types (timestamp-millis) are kept as their underlying long: a number of milliseconds.
 */
export const avroOptions = (): Partial<avro.ForSchemaOptions> => ({ wrapUnions: 'auto' });

export function fullName(schema: { name: string; namespace?: string }): string {
  return schema.name.includes('.') ? schema.name : `${schema.namespace ?? ''}.${schema.name}`;
}

export function readSchemaFiles(dir = schemasDir()): SchemaFile[] {
  const files: SchemaFile[] = [];
  for (const folder of readdirSync(dir, { withFileTypes: true })) {
    if (!folder.isDirectory()) continue;
    for (const file of readdirSync(path.join(dir, folder.name))) {
      if (!file.endsWith('.avsc')) continue;
      const full = path.join(dir, folder.name, file);
      const json = JSON.parse(readFileSync(full, 'utf8')) as SchemaFile['json'];
      files.push({ name: fullName(json), folder: folder.name, file: full, json });
    }
  }
  return files.sort((a, b) => a.file.localeCompare(b.file));
}

/**
 * Parses every schema into one avsc registry. Files reference each other's named types by
 * full name, so files are parsed in passes until each one's references are defined.
 */
export function parseSchemaFiles(files: SchemaFile[]): {
  types: Map<string, avro.Type>;
  registry: Record<string, avro.Type>;
} {
  const registry: Record<string, avro.Type> = {};
  const types = new Map<string, avro.Type>();
  let pending = [...files];
  while (pending.length > 0) {
    const next: SchemaFile[] = [];
    let lastError: unknown;
    for (const f of pending) {
      // Parse into a scratch registry so a failed attempt leaves no half-defined names behind.
      const scratch: Record<string, avro.Type> = { ...registry };
      try {
        const type = avro.Type.forSchema(f.json, { ...avroOptions(), registry: scratch });
        Object.assign(registry, scratch);
        types.set(f.name, type);
      } catch (err) {
        lastError = err;
        next.push(f);
      }
    }
    if (next.length === pending.length) {
      throw new Error(
        `cannot parse schemas ${next.map((f) => f.file).join(', ')}: ${lastError instanceof Error ? lastError.message : String(lastError)}`,
      );
    }
    pending = next;
  }
  return { types, registry };
}

let cached: { files: SchemaFile[]; types: Map<string, avro.Type> } | undefined;

/** All record types of schemas/, by full name (parsed once per process). */
export function loadSchemas(): { files: SchemaFile[]; types: Map<string, avro.Type> } {
  if (!cached) {
    const files = readSchemaFiles();
    cached = { files, types: parseSchemaFiles(files).types };
  }
  return cached;
}

export function avroType(name: string): avro.Type {
  const type = loadSchemas().types.get(name);
  if (!type) throw new Error(`unknown Avro record ${name}`);
  return type;
}

/**
 * The schema as registered with a schema registry: self-contained (referenced named types
 * expanded inline on first use), so any standard Avro deserializer can read it alone.
 */
export function registrySchema(name: string): string {
  return JSON.stringify(avroType(name).schema({ exportAttrs: true }));
}
