import type { Encoder } from '../encoder';

export interface FindCoordinatorResponse {
  errorCode: number;
  nodeId: number;
  host: string;
  port: number;
}

export function encodeFindCoordinatorResponse(e: Encoder, version: number, r: FindCoordinatorResponse): void {
  if (version >= 1) e.int32(0);
  e.int16(r.errorCode);
  if (version >= 1) e.nullableString(null);
  e.int32(r.nodeId).string(r.host).int32(r.port);
}
