import type { Decoder } from '../../decoder';

/** ListGroups v0 request. */
export function decodeV0(_d: Decoder): Record<string, never> {
  return {};
}
