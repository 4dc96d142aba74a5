import type { Decoder } from '../../decoder';
import type { SyncGroupRequest } from '../types';

/** SyncGroup v3 request. */
export function decodeV3(d: Decoder): SyncGroupRequest {
  const groupId = d.string();
  const generationId = d.int32();
  const memberId = d.string();
  d.nullableString(); // group_instance_id
  const assignments = d.array((d) => ({ memberId: d.string(), assignment: Buffer.from(d.bytes()) }));
  return { groupId, generationId, memberId, assignments };
}
