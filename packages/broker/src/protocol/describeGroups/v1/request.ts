import type { Decoder } from '../../decoder';

/** DescribeGroups v1 request. */
export function decodeV1(d: Decoder): { groups: string[] } {
  const groups = d.array((d) => d.string());
  return { groups };
}
