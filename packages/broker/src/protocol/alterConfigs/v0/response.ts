import type { Encoder } from '../../encoder';
import type { AlterConfigsResponse } from '../types';

/** AlterConfigs v0 response. */
export function encodeV0(e: Encoder, r: AlterConfigsResponse): void {
  e.int32(0);
  e.array(r.results, (e, res) => {
    e.int16(res.errorCode).nullableString(res.errorMessage).int8(res.resourceType).string(res.resourceName);
  });
}
