import type { Encoder } from '../../encoder';
import type { DescribeConfigsResult } from '../types';

/** DescribeConfigs v0 response. */
export function encodeV0(e: Encoder, r: { results: DescribeConfigsResult[] }): void {
  e.int32(0);
  e.array(r.results, (e, res) => {
    e.int16(res.errorCode).nullableString(res.errorMessage).int8(res.resourceType).string(res.resourceName);
    e.array(res.configs, (e, c) => {
      e.string(c.name).nullableString(c.value).bool(c.readOnly);
      e.bool(c.isDefault);
      e.bool(false); // is_sensitive
    });
  });
}
