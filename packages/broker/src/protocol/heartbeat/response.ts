import type { Encoder } from '../encoder';

export function encodeHeartbeatResponse(e: Encoder, version: number, r: { errorCode: number }): void {
  if (version >= 1) e.int32(0);
  e.int16(r.errorCode);
}
