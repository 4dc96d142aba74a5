import type { Encoder } from '../../encoder';
import type { LeaveGroupResponse } from '../types';

/** LeaveGroup v1 response. */
export function encodeV1(e: Encoder, r: LeaveGroupResponse): void {
  e.int32(0);
  e.int16(r.errorCode);
}
