import type { Decoder } from '../../decoder';

/** SaslAuthenticate v0 request. */
export function decodeV0(d: Decoder): { authBytes: Buffer } {
  return { authBytes: Buffer.from(d.bytes()) };
}
