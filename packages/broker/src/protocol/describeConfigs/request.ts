import type { Decoder } from '../decoder';

export interface DescribeConfigsRequest {
  resources: { resourceType: number; resourceName: string; keys: string[] | null }[];
}

export function decodeDescribeConfigsRequest(d: Decoder, version: number): DescribeConfigsRequest {
  const resources = d.array((d) => ({
    resourceType: d.int8(),
    resourceName: d.string(),
    keys: d.nullableArray((d) => d.string()),
  }));
  if (version >= 1) d.bool(); // include_synonyms
  return { resources };
}
