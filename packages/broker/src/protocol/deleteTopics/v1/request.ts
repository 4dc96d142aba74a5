import type { Decoder } from '../../decoder';

/** DeleteTopics v1 request. */
export function decodeV1(d: Decoder): { topics: string[]; timeoutMs: number } {
  return { topics: d.array((d) => d.string()), timeoutMs: d.int32() };
}
