import type { PreparedEvent } from '../prepare';
import type { AppendResult } from '../types';
import { GroupCommit, type QueuedAppend } from './group-commit';

/** A GroupCommit whose round trips the test finishes by hand. */
function harness(maxInFlight: number, maxEvents = 100) {
  const trips: { appends: string[]; finish(): void }[] = [];
  const trip = (appends: QueuedAppend[]) =>
    new Promise<void>((resolve) => {
      trips.push({
        appends: appends.map((a) => `${a.streamId}#${a.prepared.length}`),
        finish() {
          for (const a of appends) a.resolve({ nextExpectedVersion: 1, positions: [], duplicate: false });
          resolve();
        },
      });
    });
  const gc = new GroupCommit({ maxInFlight, maxEvents, single: (a) => trip([a]), group: trip });
  const results: string[] = [];
  const submit = (streamId: string, events = 1) =>
    new Promise<AppendResult>((resolve, reject) =>
      gc.submit({
        streamId,
        expected: 'any',
        prepared: Array.from({ length: events }) as PreparedEvent[],
        resolve,
        reject,
      }),
    ).then(() => results.push(streamId));
  const settle = () => new Promise((r) => setImmediate(r));
  return { trips, submit, results, settle };
}

describe('GroupCommit', () => {
  it('sends a lone append at once, alone', async () => {
    const h = harness(2);
    const done = h.submit('host-1');
    expect(h.trips.map((t) => t.appends)).toEqual([['host-1#1']]);
    h.trips[0]!.finish();
    await done;
    expect(h.results).toEqual(['host-1']);
  });

  it('groups the appends that queued behind the round trips in flight', async () => {
    const h = harness(2);
    for (const s of ['a', 'b', 'c', 'd', 'e']) void h.submit(s);
    expect(h.trips.map((t) => t.appends)).toEqual([['a#1'], ['b#1']]);
    h.trips[0]!.finish();
    await h.settle();
    expect(h.trips[2]!.appends).toEqual(['c#1', 'd#1', 'e#1']);
  });

  it('never puts two appends of one stream in a group, and keeps their order', async () => {
    const h = harness(1);
    for (const s of ['busy', 'x', 'x', 'y', 'x', 'z']) void h.submit(s);
    h.trips[0]!.finish();
    await h.settle();
    expect(h.trips[1]!.appends).toEqual(['x#1', 'y#1', 'z#1']);
    h.trips[1]!.finish();
    await h.settle();
    expect(h.trips[2]!.appends).toEqual(['x#1']);
    h.trips[2]!.finish();
    await h.settle();
    expect(h.trips[3]!.appends).toEqual(['x#1']);
  });

  it('caps a group by events; a skipped stream is not overtaken by its own later append', async () => {
    const h = harness(1, 10);
    for (const [s, n] of [
      ['busy', 1],
      ['a', 6],
      ['b', 6],
      ['c', 2],
      ['b', 1],
    ] as const)
      void h.submit(s, n);
    h.trips[0]!.finish();
    await h.settle();
    expect(h.trips[1]!.appends).toEqual(['a#6', 'c#2']);
    h.trips[1]!.finish();
    await h.settle();
    expect(h.trips[2]!.appends).toEqual(['b#6']);
  });

  it('an oversized append still goes, alone', async () => {
    const h = harness(1, 10);
    void h.submit('busy');
    void h.submit('big', 50);
    void h.submit('small');
    h.trips[0]!.finish();
    await h.settle();
    expect(h.trips[1]!.appends).toEqual(['big#50']);
  });

  it('rejects every append of a failed round trip', async () => {
    const gc = new GroupCommit({
      maxInFlight: 1,
      maxEvents: 100,
      single: () => Promise.reject(new Error('connection lost')),
      group: () => Promise.reject(new Error('connection lost')),
    });
    const one = () =>
      new Promise((resolve, reject) =>
        gc.submit({ streamId: `s${Math.random()}`, expected: 'any', prepared: [], resolve, reject }),
      );
    await expect(Promise.all([one(), one(), one()])).rejects.toThrow('connection lost');
  });
});
