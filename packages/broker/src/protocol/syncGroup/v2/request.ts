import type { Decoder } from '../../decoder';
import type { SyncGroupRequest } from '../types';

/** SyncGroup v2 request. */
export function decodeV2(d: Decoder): SyncGroupRequest {
  const groupId = d.string();
  const generationId = d.int32();
  const memberId = d.string();
  const assignments = d.array((d) => ({ memberId: d.string(), assignment: Buffer.from(d.bytes()) }));
  return { groupId, generationId, memberId, assignments };
}
