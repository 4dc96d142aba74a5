import type { Decoder } from '../../decoder';
import type { ApiVersionsRequest } from '../types';

/** ApiVersions v0 request. */
export function decodeV0(_d: Decoder): ApiVersionsRequest {
  return {};
}
