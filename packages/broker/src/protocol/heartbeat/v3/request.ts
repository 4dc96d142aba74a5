import type { Decoder } from '../../decoder';
import type { HeartbeatRequest } from '../types';

/** Heartbeat v3 request. */
export function decodeV3(d: Decoder): HeartbeatRequest {
  const groupId = d.string();
  const generationId = d.int32();
  const memberId = d.string();
  d.nullableString(); // group_instance_id
  return { groupId, generationId, memberId };
}
