import type { Decoder } from '../../decoder';
import type { ApiVersionsRequest } from '../types';

/** ApiVersions v3 request. */
export function decodeV3(d: Decoder): ApiVersionsRequest {
  const clientSoftwareName = d.compactNullableString();
  const clientSoftwareVersion = d.compactNullableString();
  d.skipTags();
  return { clientSoftwareName, clientSoftwareVersion };
}
