import type { Decoder } from '../../decoder';

/** DeleteGroups v0 request. */
export function decodeV0(d: Decoder): { groups: string[] } {
  return { groups: d.array((d) => d.string()) };
}
