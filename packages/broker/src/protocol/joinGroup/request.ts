import type { Decoder } from '../decoder';

export interface JoinGroupRequest {
  groupId: string;
  sessionTimeoutMs: number;
  rebalanceTimeoutMs: number;
  memberId: string;
  groupInstanceId: string | null;
  protocolType: string;
  protocols: { name: string; metadata: Buffer }[];
}

export function decodeJoinGroupRequest(d: Decoder, version: number): JoinGroupRequest {
  const groupId = d.string();
  const sessionTimeoutMs = d.int32();
  const rebalanceTimeoutMs = version >= 1 ? d.int32() : sessionTimeoutMs;
  const memberId = d.string();
  const groupInstanceId = version >= 5 ? d.nullableString() : null;
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
