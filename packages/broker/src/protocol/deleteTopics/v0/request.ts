import type { Decoder } from '../../decoder';

/** DeleteTopics v0 request. */
export function decodeV0(d: Decoder): { topics: string[]; timeoutMs: number } {
  return { topics: d.array((d) => d.string()), timeoutMs: d.int32() };
}
