import type { Encoder } from '../../encoder';
import type { AlterConfigsResponse } from '../types';

/** AlterConfigs v1 response. */
export function encodeV1(e: Encoder, r: AlterConfigsResponse): void {
  e.int32(0);
  e.array(r.results, (e, res) => {
    e.int16(res.errorCode).nullableString(res.errorMessage).int8(res.resourceType).string(res.resourceName);
  });
}
