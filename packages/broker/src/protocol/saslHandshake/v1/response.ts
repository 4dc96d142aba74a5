import type { Encoder } from '../../encoder';

/** SaslHandshake v1 response. */
export function encodeV1(e: Encoder, r: { errorCode: number; mechanisms: string[] }): void {
  e.int16(r.errorCode).array(r.mechanisms, (e, m) => e.string(m));
}
