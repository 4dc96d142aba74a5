import type { Decoder } from '../decoder';

/** v0-2 have an empty body. */
export function decodeListGroupsRequest(_d: Decoder, _version: number): Record<string, never> {
  return {};
}
