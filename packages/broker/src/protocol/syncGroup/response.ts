import type { Encoder } from '../encoder';

export interface SyncGroupResponse {
  errorCode: number;
  assignment: Buffer;
}

export function encodeSyncGroupResponse(e: Encoder, version: number, r: SyncGroupResponse): void {
  if (version >= 1) e.int32(0);
  e.int16(r.errorCode).bytes(r.assignment);
}
