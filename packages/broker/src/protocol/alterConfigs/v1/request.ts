import type { Decoder } from '../../decoder';
import type { AlterConfigsRequest } from '../types';

/** AlterConfigs v1 request. */
export function decodeV1(d: Decoder): AlterConfigsRequest {
  const resources = d.array((d) => ({
    resourceType: d.int8(),
    resourceName: d.string(),
    configs: d.array((d) => ({ name: d.string(), value: d.nullableString() })),
  }));
  return { resources, validateOnly: d.bool() };
}
