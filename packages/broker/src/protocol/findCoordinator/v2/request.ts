import type { Decoder } from '../../decoder';
import type { FindCoordinatorRequest } from '../types';

/** FindCoordinator v2 request. */
export function decodeV2(d: Decoder): FindCoordinatorRequest {
  const key = d.string();
  const keyType = d.int8();
  return { key, keyType };
}
