import type { Encoder } from '../../encoder';
import type { SyncGroupResponse } from '../types';

/** SyncGroup v3 response. */
export function encodeV3(e: Encoder, r: SyncGroupResponse): void {
  e.int32(0);
  e.int16(r.errorCode).bytes(r.assignment);
}
