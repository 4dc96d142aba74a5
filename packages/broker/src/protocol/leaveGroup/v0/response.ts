import type { Encoder } from '../../encoder';
import type { LeaveGroupResponse } from '../types';

/** LeaveGroup v0 response. */
export function encodeV0(e: Encoder, r: LeaveGroupResponse): void {
  e.int16(r.errorCode);
}
