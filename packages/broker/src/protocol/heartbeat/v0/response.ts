import type { Encoder } from '../../encoder';

/** Heartbeat v0 response. */
export function encodeV0(e: Encoder, r: { errorCode: number }): void {
  e.int16(r.errorCode);
}
