import { decodeWire, encodeWire, WireFormatError } from './confluent';

describe('Confluent wire format', () => {
  it('puts magic 0 and the big-endian schema id before the body', () => {
    const buf = encodeWire(0x01020304, Buffer.from([9, 8]));
    expect([...buf]).toEqual([0, 1, 2, 3, 4, 9, 8]);
    expect(decodeWire(buf)).toEqual({ schemaId: 0x01020304, body: Buffer.from([9, 8]) });
  });
  it('rejects short buffers and other magic bytes', () => {
    expect(() => decodeWire(Buffer.from([0, 1]))).toThrow(WireFormatError);
    expect(() => decodeWire(Buffer.from([1, 0, 0, 0, 1]))).toThrow(/magic byte 1/);
  });
});
