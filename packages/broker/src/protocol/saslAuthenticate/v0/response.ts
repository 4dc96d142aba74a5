import type { Encoder } from '../../encoder';

/** SaslAuthenticate v0 response. */
export function encodeV0(
  e: Encoder,
  r: { errorCode: number; errorMessage: string | null; authBytes: Buffer },
): void {
  e.int16(r.errorCode).nullableString(r.errorMessage).bytes(r.authBytes);
}
