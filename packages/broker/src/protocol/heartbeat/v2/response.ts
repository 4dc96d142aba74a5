import type { Encoder } from '../../encoder';

/** Heartbeat v2 response. */
export function encodeV2(e: Encoder, r: { errorCode: number }): void {
  e.int32(0);
  e.int16(r.errorCode);
}
