import type { Encoder } from '../../encoder';
import type { ApiVersionsResponse } from '../types';

/** ApiVersions v3 response. */
export function encodeV3(e: Encoder, r: ApiVersionsResponse): void {
  e.int16(r.errorCode);
  e.compactArray(r.apiKeys, (e, k) => e.int16(k.apiKey).int16(k.minVersion).int16(k.maxVersion).tags());
  e.int32(0);
  e.tags();
}
