import { createHash } from 'node:crypto';
import { canonicalJson, contentDigest, eventHash, GENESIS_HASH, linkHash } from './hash';

describe('canonicalJson', () => {
  it('sorts keys at every depth and drops whitespace', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: 'x' } })).toBe(
      '{"a":{"c":"x","d":[3,{"y":2,"z":1}]},"b":1}',
    );
  });

  it('follows JSON.stringify for undefined, functions, dates, NaN and escapes', () => {
    expect(canonicalJson({ u: undefined, f: () => 1, d: new Date(0), n: Number.NaN, s: 'a"\\\n✓' })).toBe(
      '{"d":"1970-01-01T00:00:00.000Z","n":null,"s":"a\\"\\\\\\n✓"}',
    );
    expect(canonicalJson([undefined, () => 1])).toBe('[null,null]');
    expect(JSON.parse(canonicalJson({ x: [1.5, -0, 1e21] }))).toEqual({ x: [1.5, 0, 1e21] });
  });

  it('gives the same text after a JSON round trip, whatever the key order', () => {
    const v = { z: [1, { b: null, a: 'é' }], a: { y: 2.25, x: true } };
    const roundTripped = JSON.parse(JSON.stringify({ a: v.a, z: v.z }));
    expect(canonicalJson(roundTripped)).toBe(canonicalJson(v));
  });

  it('rejects bigint with a clear error', () => {
    expect(() => canonicalJson({ n: 1n })).toThrow(/bigint/);
  });
});

describe('hash chain links', () => {
  it('is sha256(prev ‖ uint64 version ‖ sha256(canonical {data, metadata, stream, type}))', () => {
    const digest = contentDigest('host-1', 'HostRegistered', '{"a":1}', '{"eventId":"x"}');
    const expectedDigest = createHash('sha256')
      .update('{"data":{"a":1},"metadata":{"eventId":"x"},"stream":"host-1","type":"HostRegistered"}')
      .digest();
    expect(digest.equals(expectedDigest)).toBe(true);
    const version = Buffer.alloc(8);
    version.writeBigUInt64BE(1n);
    const expected = createHash('sha256')
      .update(Buffer.alloc(32))
      .update(version)
      .update(expectedDigest)
      .digest('hex');
    expect(linkHash(GENESIS_HASH, 1, digest)).toBe(expected);
    expect(
      eventHash(GENESIS_HASH, {
        streamId: 'host-1',
        streamVersion: 1,
        type: 'HostRegistered',
        data: { a: 1 },
        metadata: { eventId: 'x' },
      }),
    ).toBe(expected);
  });

  it('changes with the version, the stream, the type, the data and the previous hash', () => {
    const base = { streamId: 's-1', streamVersion: 2, type: 'T', data: { a: 1 }, metadata: { eventId: 'e' } };
    const h = eventHash(GENESIS_HASH, base);
    const variants = [
      eventHash(GENESIS_HASH, { ...base, streamVersion: 3 }),
      eventHash(GENESIS_HASH, { ...base, streamId: 's-2' }),
      eventHash(GENESIS_HASH, { ...base, type: 'U' }),
      eventHash(GENESIS_HASH, { ...base, data: { a: 2 } }),
      eventHash(GENESIS_HASH, { ...base, metadata: { eventId: 'f' } }),
      eventHash('1'.repeat(64), base),
    ];
    for (const v of variants) expect(v).not.toBe(h);
  });
});
