import type { Encoder } from '../encoder';

export function encodeSaslHandshakeResponse(
  e: Encoder,
  _version: number,
  r: { errorCode: number; mechanisms: string[] },
): void {
  e.int16(r.errorCode).array(r.mechanisms, (e, m) => e.string(m));
}

export function encodeSaslAuthenticateResponse(
  e: Encoder,
  version: number,
  r: { errorCode: number; errorMessage: string | null; authBytes: Buffer },
): void {
  e.int16(r.errorCode).nullableString(r.errorMessage).bytes(r.authBytes);
  if (version >= 1) e.int64(0); // session_lifetime_ms: no re-authentication required
}
