import type { Decoder } from '../../decoder';
import type { LeaveGroupRequest } from '../types';

/** LeaveGroup v1 request. */
export function decodeV1(d: Decoder): LeaveGroupRequest {
  const groupId = d.string();
  return { groupId, memberIds: [d.string()] };
}
