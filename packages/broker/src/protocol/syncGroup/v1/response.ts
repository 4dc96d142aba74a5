import type { Encoder } from '../../encoder';
import type { SyncGroupResponse } from '../types';

/** SyncGroup v1 response. */
export function encodeV1(e: Encoder, r: SyncGroupResponse): void {
  e.int32(0);
  e.int16(r.errorCode).bytes(r.assignment);
}
