import type { Decoder } from '../../decoder';

/** SaslAuthenticate v1 request. */
export function decodeV1(d: Decoder): { authBytes: Buffer } {
  return { authBytes: Buffer.from(d.bytes()) };
}
