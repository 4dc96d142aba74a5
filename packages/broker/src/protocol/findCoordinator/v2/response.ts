import type { Encoder } from '../../encoder';
import type { FindCoordinatorResponse } from '../types';

/** FindCoordinator v2 response. */
export function encodeV2(e: Encoder, r: FindCoordinatorResponse): void {
  e.int32(0);
  e.int16(r.errorCode);
  e.nullableString(null);
  e.int32(r.nodeId).string(r.host).int32(r.port);
}
