import type { Decoder } from '../../decoder';
import type { JoinGroupRequest } from '../types';

/** JoinGroup v4 request. */
export function decodeV4(d: Decoder): JoinGroupRequest {
  const groupId = d.string();
  const sessionTimeoutMs = d.int32();
  const rebalanceTimeoutMs = d.int32();
  const memberId = d.string();
  const groupInstanceId = null;
  const protocolType = d.string();
  // Copies: metadata outlives the request frame (kept in the group).
  const protocols = d.array((d) => ({ name: d.string(), metadata: Buffer.from(d.bytes()) }));
  return {
    groupId,
    sessionTimeoutMs,
    rebalanceTimeoutMs,
    memberId,
    groupInstanceId,
    protocolType,
    protocols,
  };
}
