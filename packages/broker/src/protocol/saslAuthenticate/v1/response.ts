import type { Encoder } from '../../encoder';

/** SaslAuthenticate v1 response. */
export function encodeV1(
  e: Encoder,
  r: { errorCode: number; errorMessage: string | null; authBytes: Buffer },
): void {
  e.int16(r.errorCode).nullableString(r.errorMessage).bytes(r.authBytes);
  e.int64(0); // session_lifetime_ms: no re-authentication required
}
