import type { Encoder } from '../encoder';

export interface ApiVersionsResponse {
  errorCode: number;
  apiKeys: { apiKey: number; minVersion: number; maxVersion: number }[];
}

/**
 * Always response header v0 (no tags), even for v3. An unsupported request version is
 * answered in the v0 layout with error 35 (KIP-511), so every client can read it.
 */
export function encodeApiVersionsResponse(e: Encoder, version: number, r: ApiVersionsResponse): void {
  if (version >= 3) {
    e.int16(r.errorCode);
    e.compactArray(r.apiKeys, (e, k) => e.int16(k.apiKey).int16(k.minVersion).int16(k.maxVersion).tags());
    e.int32(0);
    e.tags();
    return;
  }
  e.int16(r.errorCode);
  e.array(r.apiKeys, (e, k) => e.int16(k.apiKey).int16(k.minVersion).int16(k.maxVersion));
  if (version >= 1) e.int32(0);
}
