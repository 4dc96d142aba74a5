import type { Decoder } from '../decoder';

export function decodeDescribeGroupsRequest(d: Decoder, version: number): { groups: string[] } {
  const groups = d.array((d) => d.string());
  if (version >= 3) d.bool(); // include_authorized_operations
  return { groups };
}
