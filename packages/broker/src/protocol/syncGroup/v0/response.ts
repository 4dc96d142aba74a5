import type { Encoder } from '../../encoder';
import type { SyncGroupResponse } from '../types';

/** SyncGroup v0 response. */
export function encodeV0(e: Encoder, r: SyncGroupResponse): void {
  e.int16(r.errorCode).bytes(r.assignment);
}
