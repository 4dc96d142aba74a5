/**
 * Confluent wire format: magic byte 0, 4-byte big-endian schema id, then the Avro body.
 * Any standard Confluent Avro deserializer reads what this writes.
 */
export const MAGIC_BYTE = 0;
export const WIRE_HEADER_BYTES = 5;

export function encodeWire(schemaId: number, body: Buffer): Buffer {
  const out = Buffer.allocUnsafe(WIRE_HEADER_BYTES + body.length);
  out.writeUInt8(MAGIC_BYTE, 0);
  out.writeInt32BE(schemaId, 1);
  body.copy(out, WIRE_HEADER_BYTES);
  return out;
}

export function decodeWire(buf: Buffer): { schemaId: number; body: Buffer } {
  if (buf.length < WIRE_HEADER_BYTES) {
    throw new WireFormatError(`record of ${buf.length} bytes is shorter than the 5-byte Confluent header`);
  }
  if (buf[0] !== MAGIC_BYTE) {
    throw new WireFormatError(`unknown magic byte ${buf[0]} (expected 0: Confluent wire format)`);
  }
  return { schemaId: buf.readInt32BE(1), body: buf.subarray(WIRE_HEADER_BYTES) };
}

export class WireFormatError extends Error {
  readonly code = 'WIRE_FORMAT';
}
