import type { Decoder } from '../decoder';

export interface LeaveGroupRequest {
  groupId: string;
  memberIds: string[];
}

/** v0-2 name one member; v3 (KIP-345) a list. */
export function decodeLeaveGroupRequest(d: Decoder, version: number): LeaveGroupRequest {
  const groupId = d.string();
  if (version < 3) return { groupId, memberIds: [d.string()] };
  const memberIds = d.array((d) => {
    const id = d.string();
    d.nullableString(); // group_instance_id
    return id;
  });
  return { groupId, memberIds };
}
