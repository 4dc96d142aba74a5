import type { Decoder } from '../decoder';

export interface HeartbeatRequest {
  groupId: string;
  generationId: number;
  memberId: string;
}

export function decodeHeartbeatRequest(d: Decoder, version: number): HeartbeatRequest {
  const groupId = d.string();
  const generationId = d.int32();
  const memberId = d.string();
  if (version >= 3) d.nullableString(); // group_instance_id
  return { groupId, generationId, memberId };
}
