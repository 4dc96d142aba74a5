import type { Encoder } from '../../encoder';
import type { LeaveGroupResponse } from '../types';

/** LeaveGroup v3 response. */
export function encodeV3(e: Encoder, r: LeaveGroupResponse): void {
  e.int32(0);
  e.int16(r.errorCode);
  e.array(r.members, (e, m) => e.string(m.memberId).nullableString(null).int16(m.errorCode));
}
