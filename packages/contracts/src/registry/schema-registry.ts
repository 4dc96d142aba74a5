/**
 * A Confluent-compatible schema registry, as the codecs see it. HttpSchemaRegistry talks to a
 * real one (Redpanda's, Confluent's, or Nagare's embedded broker); MemorySchemaRegistry keeps
 * everything in process with the same rules.
 */
export interface RegisteredSchema {
  subject: string;
  id: number;
  version: number;
  schema: string;
}

export interface SchemaRegistry {
  /** Registers (or finds) `schema` under `subject`; returns its global id. */
  register(subject: string, schema: string): Promise<number>;
  /** The schema text with this global id. */
  schemaById(id: number): Promise<string>;
  latest(subject: string): Promise<RegisteredSchema>;
  /** Whether `schema` is compatible with the subject under its configured level. */
  isCompatible(subject: string, schema: string): Promise<boolean>;
}

export class SchemaRegistryError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly errorCode: number,
  ) {
    super(message);
  }
}
