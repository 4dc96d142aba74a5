import type { Encoder } from '../../encoder';

/** Heartbeat v3 response. */
export function encodeV3(e: Encoder, r: { errorCode: number }): void {
  e.int32(0);
  e.int16(r.errorCode);
}
