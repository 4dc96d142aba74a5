import type { Decoder } from '../../decoder';

/** DescribeGroups v0 request. */
export function decodeV0(d: Decoder): { groups: string[] } {
  const groups = d.array((d) => d.string());
  return { groups };
}
