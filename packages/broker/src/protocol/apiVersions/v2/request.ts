import type { Decoder } from '../../decoder';
import type { ApiVersionsRequest } from '../types';

/** ApiVersions v2 request. */
export function decodeV2(_d: Decoder): ApiVersionsRequest {
  return {};
}
