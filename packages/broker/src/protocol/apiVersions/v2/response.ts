import type { Encoder } from '../../encoder';
import type { ApiVersionsResponse } from '../types';

/** ApiVersions v2 response. */
export function encodeV2(e: Encoder, r: ApiVersionsResponse): void {
  e.int16(r.errorCode);
  e.array(r.apiKeys, (e, k) => e.int16(k.apiKey).int16(k.minVersion).int16(k.maxVersion));
  e.int32(0);
}
