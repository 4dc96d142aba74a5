import type { Decoder } from '../../decoder';

/** DeleteGroups v1 request. */
export function decodeV1(d: Decoder): { groups: string[] } {
  return { groups: d.array((d) => d.string()) };
}
