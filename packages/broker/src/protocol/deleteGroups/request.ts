import type { Decoder } from '../decoder';

export function decodeDeleteGroupsRequest(d: Decoder, _version: number): { groups: string[] } {
  return { groups: d.array((d) => d.string()) };
}
