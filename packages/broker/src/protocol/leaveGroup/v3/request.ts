import type { Decoder } from '../../decoder';
import type { LeaveGroupRequest } from '../types';

/** LeaveGroup v3 request. */
export function decodeV3(d: Decoder): LeaveGroupRequest {
  const groupId = d.string();
  const memberIds = d.array((d) => {
    const id = d.string();
    d.nullableString(); // group_instance_id
    return id;
  });
  return { groupId, memberIds };
}
