import type { Encoder } from '../encoder';

export function encodeDeleteGroupsResponse(
  e: Encoder,
  _version: number,
  r: { results: { groupId: string; errorCode: number }[] },
): void {
  e.int32(0);
  e.array(r.results, (e, g) => e.string(g.groupId).int16(g.errorCode));
}
