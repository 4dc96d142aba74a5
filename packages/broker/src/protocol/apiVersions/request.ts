import type { Decoder } from '../decoder';

export interface ApiVersionsRequest {
  clientSoftwareName?: string | null;
  clientSoftwareVersion?: string | null;
}

/** v0-2 have an empty body; v3 (flexible) adds the client software name and version. */
export function decodeApiVersionsRequest(d: Decoder, version: number): ApiVersionsRequest {
  if (version < 3) return {};
  const clientSoftwareName = d.compactNullableString();
  const clientSoftwareVersion = d.compactNullableString();
  d.skipTags();
  return { clientSoftwareName, clientSoftwareVersion };
}
