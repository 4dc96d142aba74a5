import type { Decoder } from '../decoder';

export function decodeDeleteTopicsRequest(
  d: Decoder,
  _version: number,
): { topics: string[]; timeoutMs: number } {
  return { topics: d.array((d) => d.string()), timeoutMs: d.int32() };
}
