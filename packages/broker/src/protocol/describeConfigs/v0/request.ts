import type { Decoder } from '../../decoder';
import type { DescribeConfigsRequest } from '../types';

/** DescribeConfigs v0 request. */
export function decodeV0(d: Decoder): DescribeConfigsRequest {
  const resources = d.array((d) => ({
    resourceType: d.int8(),
    resourceName: d.string(),
    keys: d.nullableArray((d) => d.string()),
  }));
  return { resources };
}
