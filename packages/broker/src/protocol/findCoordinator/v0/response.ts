import type { Encoder } from '../../encoder';
import type { FindCoordinatorResponse } from '../types';

/** FindCoordinator v0 response. */
export function encodeV0(e: Encoder, r: FindCoordinatorResponse): void {
  e.int16(r.errorCode);
  e.int32(r.nodeId).string(r.host).int32(r.port);
}
