import { eventHash, GENESIS_HASH } from './hash';
import { StreamChainVerifier } from './verify';

function chain(n: number) {
  const out = [];
  let prev = GENESIS_HASH;
  for (let v = 1; v <= n; v++) {
    const e = {
      streamId: 'host-1',
      streamVersion: v,
      type: 'E',
      data: { v },
      metadata: { eventId: `id-${v}`, schemaVersion: 1, occurredAt: '2026-01-01T00:00:00.000Z' },
    };
    const hash = eventHash(prev, e);
    out.push({ ...e, prevHash: prev, hash });
    prev = hash;
  }
  return out;
}

describe('StreamChainVerifier', () => {
  it('accepts an intact chain and its head', () => {
    const events = chain(4);
    const v = new StreamChainVerifier('host-1');
    for (const e of events) expect(v.push(e)).toBeUndefined();
    expect(v.finish({ version: 4, hash: events[3]!.hash })).toBeUndefined();
    expect(v.events).toBe(4);
  });

  it('names the altered event, a gap, a broken back link and a missing tail', () => {
    const altered = chain(3);
    altered[1] = { ...altered[1]!, data: { v: 99 } };
    const v1 = new StreamChainVerifier('host-1');
    const r1 = altered.map((e) => v1.push(e)).find(Boolean);
    expect(r1).toMatchObject({ version: 2, problem: 'hash_mismatch', found: altered[1]!.hash });

    const gap = chain(3);
    const v2 = new StreamChainVerifier('host-1');
    expect(v2.push(gap[0]!)).toBeUndefined();
    expect(v2.push(gap[2]!)).toMatchObject({ version: 2, problem: 'missing_event', found: 'version 3' });

    const relinked = chain(3);
    relinked[2] = { ...relinked[2]!, prevHash: 'f'.repeat(64) };
    const v3 = new StreamChainVerifier('host-1');
    expect(relinked.map((e) => v3.push(e)).find(Boolean)).toMatchObject({
      version: 3,
      problem: 'prev_hash_mismatch',
    });

    const tail = chain(3);
    const v4 = new StreamChainVerifier('host-1');
    v4.push(tail[0]!);
    v4.push(tail[1]!);
    expect(v4.finish({ version: 3, hash: tail[2]!.hash })).toMatchObject({
      version: 3,
      problem: 'missing_event',
    });
  });

  it('anchors a truncated stream at its first kept event, and only there', () => {
    const events = chain(5);
    const v = new StreamChainVerifier('host-1', 3);
    for (const e of events.slice(2)) expect(v.push(e)).toBeUndefined();
    const strict = new StreamChainVerifier('host-1');
    expect(strict.push(events[2]!)).toMatchObject({ problem: 'missing_event', version: 1 });
  });
});
