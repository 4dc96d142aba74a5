import type { Decoder } from '../../decoder';
import type { LeaveGroupRequest } from '../types';

/** LeaveGroup v0 request. */
export function decodeV0(d: Decoder): LeaveGroupRequest {
  const groupId = d.string();
  return { groupId, memberIds: [d.string()] };
}
