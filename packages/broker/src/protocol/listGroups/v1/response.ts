import type { Encoder } from '../../encoder';
import type { ListGroupsResponse } from '../types';

/** ListGroups v1 response. */
export function encodeV1(e: Encoder, r: ListGroupsResponse): void {
  e.int32(0);
  e.int16(r.errorCode);
  e.array(r.groups, (e, g) => e.string(g.groupId).string(g.protocolType));
}
