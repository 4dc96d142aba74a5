import type { Decoder } from '../decoder';

export interface SyncGroupRequest {
  groupId: string;
  generationId: number;
  memberId: string;
  assignments: { memberId: string; assignment: Buffer }[];
}

export function decodeSyncGroupRequest(d: Decoder, version: number): SyncGroupRequest {
  const groupId = d.string();
  const generationId = d.int32();
  const memberId = d.string();
  if (version >= 3) d.nullableString(); // group_instance_id
  const assignments = d.array((d) => ({ memberId: d.string(), assignment: Buffer.from(d.bytes()) }));
  return { groupId, generationId, memberId, assignments };
}
