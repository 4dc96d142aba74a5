import type { Encoder } from '../../encoder';

/** Heartbeat v1 response. */
export function encodeV1(e: Encoder, r: { errorCode: number }): void {
  e.int32(0);
  e.int16(r.errorCode);
}
