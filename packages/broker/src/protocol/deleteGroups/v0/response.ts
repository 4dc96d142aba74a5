import type { Encoder } from '../../encoder';

/** DeleteGroups v0 response. */
export function encodeV0(e: Encoder, r: { results: { groupId: string; errorCode: number }[] }): void {
  e.int32(0);
  e.array(r.results, (e, g) => e.string(g.groupId).int16(g.errorCode));
}
