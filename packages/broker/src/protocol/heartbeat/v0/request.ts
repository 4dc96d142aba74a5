import type { Decoder } from '../../decoder';
import type { HeartbeatRequest } from '../types';

/** Heartbeat v0 request. */
export function decodeV0(d: Decoder): HeartbeatRequest {
  const groupId = d.string();
  const generationId = d.int32();
  const memberId = d.string();
  return { groupId, generationId, memberId };
}
