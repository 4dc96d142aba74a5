import type { Decoder } from '../../decoder';

/** SaslHandshake v1 request. */
export function decodeV1(d: Decoder): { mechanism: string } {
  return { mechanism: d.string() };
}
