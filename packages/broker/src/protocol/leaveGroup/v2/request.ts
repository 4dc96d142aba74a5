import type { Decoder } from '../../decoder';
import type { LeaveGroupRequest } from '../types';

/** LeaveGroup v2 request. */
export function decodeV2(d: Decoder): LeaveGroupRequest {
  const groupId = d.string();
  return { groupId, memberIds: [d.string()] };
}
