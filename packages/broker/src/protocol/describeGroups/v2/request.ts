import type { Decoder } from '../../decoder';

/** DescribeGroups v2 request. */
export function decodeV2(d: Decoder): { groups: string[] } {
  const groups = d.array((d) => d.string());
  return { groups };
}
