import type { Decoder } from '../../decoder';

/** SaslHandshake v0 request. */
export function decodeV0(d: Decoder): { mechanism: string } {
  return { mechanism: d.string() };
}
