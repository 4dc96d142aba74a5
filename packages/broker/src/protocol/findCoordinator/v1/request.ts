import type { Decoder } from '../../decoder';
import type { FindCoordinatorRequest } from '../types';

/** FindCoordinator v1 request. */
export function decodeV1(d: Decoder): FindCoordinatorRequest {
  const key = d.string();
  const keyType = d.int8();
  return { key, keyType };
}
