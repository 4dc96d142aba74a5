import type { Decoder } from '../../decoder';
import type { HeartbeatRequest } from '../types';

/** Heartbeat v2 request. */
export function decodeV2(d: Decoder): HeartbeatRequest {
  const groupId = d.string();
  const generationId = d.int32();
  const memberId = d.string();
  return { groupId, generationId, memberId };
}
