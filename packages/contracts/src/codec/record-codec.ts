import avro from 'avsc';
import type { z } from 'zod';
import { avroOptions, avroType, registrySchema } from '../avro/load';
import { type RecordInput, type RecordName, type RecordOf, recordValidators } from '../records';
import type { SchemaRegistry } from '../registry/schema-registry';
import { subjectFor } from '../topics/catalog';
import { decodeWire, encodeWire, WireFormatError } from '../wire/confluent';
import { ContractError } from './contract-error';

export interface DecodedRecord {
  name: RecordName;
  schemaId: number;
  value: unknown;
}

/** Validates a value against its record's zod schema; throws ContractError with the issues. */
export function validateRecord<N extends RecordName>(name: N, value: unknown): RecordOf<N> {
  const validator = recordValidators[name] as unknown as z.ZodType<RecordOf<N>>;
  if (!validator) throw new ContractError(`unknown record ${name}`, 'UNKNOWN_RECORD');
  const parsed = validator.safeParse(value);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new ContractError(`invalid ${name}: ${issues.join('; ')}`, 'SCHEMA_INVALID', parsed.error.issues);
  }
  return parsed.data;
}

/** Avro body only, no wire header (agent frames, tests). */
export function encodeAvro<N extends RecordName>(name: N, value: RecordInput<N>): Buffer {
  return avroType(name).toBuffer(validateRecord(name, value));
}

export function decodeAvro<N extends RecordName>(name: N, body: Buffer): RecordOf<N> {
  try {
    return avroType(name).fromBuffer(body) as RecordOf<N>;
  } catch (err) {
    throw new ContractError(`cannot decode ${name}: ${(err as Error).message}`, 'AVRO_DECODE');
  }
}

/**
 * Encodes and decodes records in the Confluent wire format against a schema registry.
 * Registration and writer schemas are cached, so after the first record of a kind the
 * hot path is one zod parse and one avsc write.
 */
export class RecordCodec {
  private readonly ids = new Map<string, number>();
  private readonly pendingIds = new Map<string, Promise<number>>();
  private readonly readers = new Map<number, { name: RecordName; read: (body: Buffer) => unknown }>();

  constructor(private readonly registry: SchemaRegistry) {}

  /** Schema id of `name` on `topic`, registering it on first use. */
  async schemaId(topic: string, name: RecordName): Promise<number> {
    const subject = subjectFor(topic, name);
    const known = this.ids.get(subject);
    if (known !== undefined) return known;
    let pending = this.pendingIds.get(subject);
    if (!pending) {
      pending = this.registry.register(subject, registrySchema(name));
      this.pendingIds.set(subject, pending);
    }
    try {
      const id = await pending;
      this.ids.set(subject, id);
      return id;
    } finally {
      this.pendingIds.delete(subject);
    }
  }

  async encode<N extends RecordName>(topic: string, name: N, value: RecordInput<N>): Promise<Buffer> {
    const valid = validateRecord(name, value);
    const id = await this.schemaId(topic, name);
    return encodeWire(id, avroType(name).toBuffer(valid));
  }

  async decode(buf: Buffer): Promise<DecodedRecord> {
    let wire: { schemaId: number; body: Buffer };
    try {
      wire = decodeWire(buf);
    } catch (err) {
      if (err instanceof WireFormatError) throw new ContractError(err.message, 'WIRE_FORMAT');
      throw err;
    }
    const reader = await this.readerFor(wire.schemaId);
    try {
      return { name: reader.name, schemaId: wire.schemaId, value: reader.read(wire.body) };
    } catch (err) {
      throw new ContractError(
        `cannot decode ${reader.name} (schema ${wire.schemaId}): ${(err as Error).message}`,
        'AVRO_DECODE',
      );
    }
  }

  /** Decodes and checks that the record is one of `expected`. */
  async decodeAs<N extends RecordName>(
    buf: Buffer,
    ...expected: N[]
  ): Promise<{ name: N; value: RecordOf<N> }> {
    const decoded = await this.decode(buf);
    if (!expected.includes(decoded.name as N)) {
      throw new ContractError(`expected ${expected.join(' or ')}, got ${decoded.name}`, 'UNKNOWN_RECORD');
    }
    return decoded as unknown as { name: N; value: RecordOf<N> };
  }

  private async readerFor(schemaId: number) {
    const cached = this.readers.get(schemaId);
    if (cached) return cached;
    let writerSchema: { name?: string; namespace?: string };
    try {
      writerSchema = JSON.parse(await this.registry.schemaById(schemaId));
    } catch (err) {
      throw new ContractError(
        `schema ${schemaId} is not in the registry: ${(err as Error).message}`,
        'UNKNOWN_SCHEMA',
      );
    }
    const writerName = writerSchema.name?.includes('.')
      ? writerSchema.name
      : `${writerSchema.namespace ?? ''}.${writerSchema.name ?? ''}`;
    if (!(writerName in recordValidators)) {
      throw new ContractError(
        `schema ${schemaId} is ${writerName}, which this version does not know`,
        'UNKNOWN_RECORD',
      );
    }
    const name = writerName as RecordName;
    const local = avroType(name);
    const writer = avro.Type.forSchema(writerSchema as avro.Schema, avroOptions());
    // Same schema: read directly; an older/newer writer: resolve field by field (schema evolution).
    const same = writer.equals(local);
    const resolver = same ? undefined : local.createResolver(writer);
    const entry = {
      name,
      read: (body: Buffer) => (resolver ? local.fromBuffer(body, resolver) : local.fromBuffer(body)),
    };
    this.readers.set(schemaId, entry);
    return entry;
  }
}
