import type { OutputChunk } from '../api/types';
import { mergeOutput, missingSeqs, replayDelays } from './output';

const c = (seq: number, at = seq * 100, text = `l${seq}\n`): OutputChunk => ({
  seq,
  stream: 'STDOUT',
  text,
  at,
});

describe('command output', () => {
  it('appends in order and drops duplicates', () => {
    const a = mergeOutput([], [c(0), c(1)]);
    const b = mergeOutput(a, [c(1), c(2)]);
    expect(b.map((x) => x.seq)).toEqual([0, 1, 2]);
    expect(mergeOutput(b, [c(2)])).toBe(b);
  });
  it('sorts late chunks into place', () => {
    expect(mergeOutput([c(0), c(2)], [c(1)]).map((x) => x.seq)).toEqual([0, 1, 2]);
    expect(mergeOutput([], [c(3), c(1), c(3)]).map((x) => x.seq)).toEqual([1, 3]);
  });
  it('ignores chunks without an integer seq', () => {
    expect(mergeOutput([], [{ ...c(0), seq: Number.NaN }])).toEqual([]);
  });
  it('finds gaps', () => {
    expect(missingSeqs([c(0), c(3), c(4), c(6)])).toEqual([1, 2, 5]);
  });
  it('replays at the streamed pace with capped gaps', () => {
    expect(replayDelays([c(0, 0), c(1, 300), c(2, 10_300)], 1, 2000)).toEqual([0, 300, 2000]);
    expect(replayDelays([c(0, 0), c(1, 300)], 2)).toEqual([0, 150]);
    expect(replayDelays([c(0, 500), c(1, 100)])).toEqual([0, 0]);
  });
});
