import { mergeDelta, VersionedMap } from './merge';

type Host = {
  hostId: string;
  hostname: string;
  latest: { cpu: number | null; mem: number | null };
  version?: number;
};
const host = (id: string, version: number, cpu = 1): Host => ({
  hostId: id,
  hostname: id,
  latest: { cpu, mem: 50 },
  version,
});

describe('mergeDelta', () => {
  it('merges nested objects one level deep and sets the version', () => {
    const next = mergeDelta(host('a', 1), { latest: { cpu: 9 } }, 2);
    expect(next).toEqual({ hostId: 'a', hostname: 'a', latest: { cpu: 9, mem: 50 }, version: 2 });
  });
  it('replaces arrays instead of merging them', () => {
    const next = mergeDelta(
      { spark: [1, 2, 3], version: 1 } as { spark: number[]; version: number },
      { spark: [4] },
      2,
    );
    expect(next.spark).toEqual([4]);
  });
  it('does not modify the current item', () => {
    const before = host('a', 1);
    mergeDelta(before, { hostname: 'b' }, 2);
    expect(before.hostname).toBe('a');
  });
});

describe('VersionedMap', () => {
  const make = () => new VersionedMap<Host>((h) => h.hostId);

  it('applies newer deltas and drops older or equal ones', () => {
    const m = make();
    m.replaceAll([host('a', 5)]);
    expect(m.apply({ key: 'a', version: 5, delta: { hostname: 'x' } })).toBe('stale');
    expect(m.apply({ key: 'a', version: 4, delta: { hostname: 'x' } })).toBe('stale');
    expect(m.apply({ key: 'a', version: 6, delta: { hostname: 'y' } })).toBe('applied');
    expect(m.get('a')?.hostname).toBe('y');
    expect(m.get('a')?.version).toBe(6);
  });

  it('inserts an unknown key from a delta', () => {
    const m = make();
    expect(m.apply({ key: 'b', version: 1, delta: { hostId: 'b', hostname: 'b' } })).toBe('applied');
    expect(m.size).toBe(1);
  });

  it('keeps a deletion against late older deltas', () => {
    const m = make();
    m.replaceAll([host('a', 1)]);
    expect(m.apply({ key: 'a', version: 3, delta: { deleted: true } })).toBe('deleted');
    expect(m.apply({ key: 'a', version: 2, delta: { hostname: 'ghost' } })).toBe('stale');
    expect(m.get('a')).toBeUndefined();
    expect(m.apply({ key: 'a', version: 4, delta: { hostId: 'a', hostname: 'back' } })).toBe('applied');
    expect(m.get('a')?.hostname).toBe('back');
  });

  it('refetch keeps items the socket moved past and drops items the server no longer has', () => {
    const m = make();
    m.replaceAll([host('a', 1), host('b', 1)]);
    m.apply({ key: 'a', version: 3, delta: { hostname: 'live' } });
    m.replaceAll([host('a', 2), host('c', 1)]);
    expect(m.get('a')?.hostname).toBe('live');
    expect(m.get('b')).toBeUndefined();
    expect(m.get('c')?.version).toBe(1);
  });

  it('rejects deltas without a finite version', () => {
    const m = make();
    expect(m.apply({ key: 'a', version: Number.NaN, delta: {} })).toBe('stale');
  });

  it('rolls back an optimistic patch unless the server moved on', () => {
    const m = make();
    m.replaceAll([host('a', 1)]);
    const before = m.patch('a', { hostname: 'optimistic' });
    m.rollback('a', before, 1);
    expect(m.get('a')?.hostname).toBe('a');

    const before2 = m.patch('a', { hostname: 'optimistic' });
    m.apply({ key: 'a', version: 2, delta: { hostname: 'server' } });
    m.rollback('a', before2, 1);
    expect(m.get('a')?.hostname).toBe('server');
  });

  it('upsert does not replace a newer item', () => {
    const m = make();
    m.replaceAll([host('a', 4)]);
    expect(m.upsert(host('a', 3))).toBe(false);
    expect(m.upsert(host('a', 5))).toBe(true);
  });
});
