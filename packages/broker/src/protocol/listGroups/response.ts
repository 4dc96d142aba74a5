import type { Encoder } from '../encoder';

export interface ListGroupsResponse {
  errorCode: number;
  groups: { groupId: string; protocolType: string }[];
}

export function encodeListGroupsResponse(e: Encoder, version: number, r: ListGroupsResponse): void {
  if (version >= 1) e.int32(0);
  e.int16(r.errorCode);
  e.array(r.groups, (e, g) => e.string(g.groupId).string(g.protocolType));
}
