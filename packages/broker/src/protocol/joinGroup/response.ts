import type { Encoder } from '../encoder';

export interface JoinGroupResponse {
  errorCode: number;
  generationId: number;
  protocolName: string;
  leader: string;
  memberId: string;
  members: { memberId: string; groupInstanceId: string | null; metadata: Buffer }[];
}

export function encodeJoinGroupResponse(e: Encoder, version: number, r: JoinGroupResponse): void {
  if (version >= 2) e.int32(0);
  e.int16(r.errorCode).int32(r.generationId).string(r.protocolName).string(r.leader).string(r.memberId);
  e.array(r.members, (e, m) => {
    e.string(m.memberId);
    if (version >= 5) e.nullableString(m.groupInstanceId);
    e.bytes(m.metadata);
  });
}
