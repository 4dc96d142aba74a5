import type { Decoder } from '../../decoder';
import type { FindCoordinatorRequest } from '../types';

/** FindCoordinator v0 request. */
export function decodeV0(d: Decoder): FindCoordinatorRequest {
  const key = d.string();
  const keyType = 0;
  return { key, keyType };
}
