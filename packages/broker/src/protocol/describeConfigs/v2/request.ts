import type { Decoder } from '../../decoder';
import type { DescribeConfigsRequest } from '../types';

/** DescribeConfigs v2 request. */
export function decodeV2(d: Decoder): DescribeConfigsRequest {
  const resources = d.array((d) => ({
    resourceType: d.int8(),
    resourceName: d.string(),
    keys: d.nullableArray((d) => d.string()),
  }));
  d.bool(); // include_synonyms
  return { resources };
}
