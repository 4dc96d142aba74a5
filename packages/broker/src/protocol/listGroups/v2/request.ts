import type { Decoder } from '../../decoder';

/** ListGroups v2 request. */
export function decodeV2(_d: Decoder): Record<string, never> {
  return {};
}
