import { ApiKey } from './apiKeys';
import type { Decoder } from './decoder';

export interface RequestHeader {
  apiKey: number;
  apiVersion: number;
  correlationId: number;
  clientId: string | null;
}

/**
 * Header v1; v2 (flexible versions) adds a tag buffer after the still non-compact client_id.
 * The only flexible version served is ApiVersions v3+.
 */
export function decodeRequestHeader(d: Decoder): RequestHeader {
  const apiKey = d.int16();
  const apiVersion = d.int16();
  const correlationId = d.int32();
  const clientId = d.nullableString();
  return { apiKey, apiVersion, correlationId, clientId };
}

export function isFlexible(apiKey: number, version: number): boolean {
  return apiKey === ApiKey.ApiVersions && version >= 3;
}
