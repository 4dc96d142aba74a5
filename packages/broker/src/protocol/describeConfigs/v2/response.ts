import type { Encoder } from '../../encoder';
import type { DescribeConfigsResult } from '../types';

/** DescribeConfigs v2 response. */
export function encodeV2(e: Encoder, r: { results: DescribeConfigsResult[] }): void {
  e.int32(0);
  e.array(r.results, (e, res) => {
    e.int16(res.errorCode).nullableString(res.errorMessage).int8(res.resourceType).string(res.resourceName);
    e.array(res.configs, (e, c) => {
      e.string(c.name).nullableString(c.value).bool(c.readOnly);
      e.int8(c.isDefault ? 5 : 1); // config_source: 5 default, 1 topic
      e.bool(false); // is_sensitive
      e.array([], () => {}); // synonyms
    });
  });
}
