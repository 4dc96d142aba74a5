// Command output as it streamed: chunks ordered by sequence number, duplicates (a replay after
// reconnect, or the REST answer overlapping the socket) dropped.
import type { OutputChunk } from '../api/types';

/** Insert chunks into a list sorted by seq; returns the same array when nothing was new. */
export function mergeOutput(current: OutputChunk[], incoming: OutputChunk[]): OutputChunk[] {
  if (incoming.length === 0) return current;
  const seen = new Set(current.map((c) => c.seq));
  const fresh = incoming.filter((c) => Number.isInteger(c.seq) && !seen.has(c.seq) && seen.add(c.seq));
  if (fresh.length === 0) return current;
  const last = current[current.length - 1];
  if (last && fresh.every((c) => c.seq > last.seq) && isSorted(fresh)) return [...current, ...fresh];
  return [...current, ...fresh].sort((a, b) => a.seq - b.seq);
}

function isSorted(chunks: OutputChunk[]): boolean {
  for (let i = 1; i < chunks.length; i++) if (chunks[i]!.seq < chunks[i - 1]!.seq) return false;
  return true;
}

/** Sequence numbers missing between the first and last chunk held (a gap the REST refetch fills). */
export function missingSeqs(chunks: OutputChunk[]): number[] {
  const missing: number[] = [];
  for (let i = 1; i < chunks.length; i++) {
    for (let s = chunks[i - 1]!.seq + 1; s < chunks[i]!.seq; s++) missing.push(s);
  }
  return missing;
}

/**
 * Delays for replaying output at the pace it streamed: the gap before each chunk, each capped
 * so a long pause does not stall the replay, divided by the speed factor.
 */
export function replayDelays(chunks: OutputChunk[], speed = 1, maxGapMs = 2000): number[] {
  return chunks.map((c, i) => {
    if (i === 0) return 0;
    const gap = Math.max(0, c.at - chunks[i - 1]!.at);
    return Math.min(gap, maxGapMs) / Math.max(0.01, speed);
  });
}
