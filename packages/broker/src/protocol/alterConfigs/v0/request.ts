import type { Decoder } from '../../decoder';
import type { AlterConfigsRequest } from '../types';

/** AlterConfigs v0 request. */
export function decodeV0(d: Decoder): AlterConfigsRequest {
  const resources = d.array((d) => ({
    resourceType: d.int8(),
    resourceName: d.string(),
    configs: d.array((d) => ({ name: d.string(), value: d.nullableString() })),
  }));
  return { resources, validateOnly: d.bool() };
}
