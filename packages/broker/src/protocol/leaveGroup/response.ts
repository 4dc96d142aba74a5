import type { Encoder } from '../encoder';

export interface LeaveGroupResponse {
  errorCode: number;
  members: { memberId: string; errorCode: number }[];
}

export function encodeLeaveGroupResponse(e: Encoder, version: number, r: LeaveGroupResponse): void {
  if (version >= 1) e.int32(0);
  e.int16(r.errorCode);
  if (version >= 3)
    e.array(r.members, (e, m) => e.string(m.memberId).nullableString(null).int16(m.errorCode));
}
