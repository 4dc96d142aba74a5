import type { Encoder } from '../../encoder';
import type { ListGroupsResponse } from '../types';

/** ListGroups v0 response. */
export function encodeV0(e: Encoder, r: ListGroupsResponse): void {
  e.int16(r.errorCode);
  e.array(r.groups, (e, g) => e.string(g.groupId).string(g.protocolType));
}
