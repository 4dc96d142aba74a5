import { createHash } from 'node:crypto';
import { EventStoreInputError } from './errors';

/** Hash "before" the first event of every stream. */
export const GENESIS_HASH = '0'.repeat(64);

/**
 * Canonical JSON: JSON.stringify semantics (toJSON, undefined dropped from objects and turned
 * into null in arrays) with object keys sorted by UTF-16 code units, no whitespace. A value
 * that went through PostgreSQL jsonb and back serializes to the same text, which is what lets
 * `verify` recompute a hash from stored rows.
 */
export function canonicalJson(value: unknown): string {
  const out = canonical(value, false);
  if (out === undefined) throw new EventStoreInputError('value is not JSON-serializable');
  return out;
}

function canonical(value: unknown, inArray: boolean): string | undefined {
  if (
    value !== null &&
    typeof value === 'object' &&
    typeof (value as { toJSON?: unknown }).toJSON === 'function'
  ) {
    value = (value as { toJSON: () => unknown }).toJSON();
  }
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
      return JSON.stringify(value); // NaN/Infinity → null, like JSON.stringify
    case 'boolean':
      return value ? 'true' : 'false';
    case 'bigint':
      throw new EventStoreInputError('bigint values are not JSON; encode them as strings');
    case 'undefined':
    case 'function':
    case 'symbol':
      return inArray ? 'null' : undefined;
  }
  if (value === null) return 'null';
  if (Array.isArray(value)) return `[${value.map((v) => canonical(v, true)).join(',')}]`;
  const obj = value as Record<string, unknown>;
  const parts: string[] = [];
  for (const key of Object.keys(obj).sort()) {
    const v = canonical(obj[key], false);
    if (v !== undefined) parts.push(`${JSON.stringify(key)}:${v}`);
  }
  return `{${parts.join(',')}}`;
}

/** sha-256 of the canonical content of an event, without its version (see linkHash). */
export function contentDigest(
  streamId: string,
  type: string,
  dataJson: string,
  metadataJson: string,
): Buffer {
  // Keys in sorted order: this is canonicalJson({data, metadata, stream, type}).
  const text = `{"data":${dataJson},"metadata":${metadataJson},"stream":${JSON.stringify(streamId)},"type":${JSON.stringify(type)}}`;
  return createHash('sha256').update(text, 'utf8').digest();
}

/** hash(v) = sha256(hash(v-1) ‖ uint64 big-endian v ‖ contentDigest); hex. */
export function linkHash(prevHashHex: string, version: number, digest: Buffer): string {
  const v = Buffer.alloc(8);
  v.writeBigUInt64BE(BigInt(version));
  return createHash('sha256').update(Buffer.from(prevHashHex, 'hex')).update(v).update(digest).digest('hex');
}

/** Hash of a stored event recomputed from its content. */
export function eventHash(
  prevHashHex: string,
  e: { streamId: string; streamVersion: number; type: string; data: unknown; metadata: unknown },
): string {
  return linkHash(
    prevHashHex,
    e.streamVersion,
    contentDigest(e.streamId, e.type, canonicalJson(e.data), canonicalJson(e.metadata)),
  );
}
