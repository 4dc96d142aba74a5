import type { Decoder } from '../../decoder';

/** ListGroups v1 request. */
export function decodeV1(_d: Decoder): Record<string, never> {
  return {};
}
