import type { Encoder } from '../../encoder';

/** SaslHandshake v0 response. */
export function encodeV0(e: Encoder, r: { errorCode: number; mechanisms: string[] }): void {
  e.int16(r.errorCode).array(r.mechanisms, (e, m) => e.string(m));
}
