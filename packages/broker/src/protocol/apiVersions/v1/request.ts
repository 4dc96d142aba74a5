import type { Decoder } from '../../decoder';
import type { ApiVersionsRequest } from '../types';

/** ApiVersions v1 request. */
export function decodeV1(_d: Decoder): ApiVersionsRequest {
  return {};
}
