import type { Encoder } from '../encoder';

export interface DescribeConfigsResult {
  errorCode: number;
  errorMessage: string | null;
  resourceType: number;
  resourceName: string;
  configs: { name: string; value: string | null; readOnly: boolean; isDefault: boolean }[];
}

/** config_source: 1 = dynamic topic config, 5 = default broker config. */
export function encodeDescribeConfigsResponse(
  e: Encoder,
  version: number,
  r: { results: DescribeConfigsResult[] },
): void {
  e.int32(0);
  e.array(r.results, (e, res) => {
    e.int16(res.errorCode).nullableString(res.errorMessage).int8(res.resourceType).string(res.resourceName);
    e.array(res.configs, (e, c) => {
      e.string(c.name).nullableString(c.value).bool(c.readOnly);
      if (version === 0) e.bool(c.isDefault);
      else e.int8(c.isDefault ? 5 : 1);
      e.bool(false); // is_sensitive
      if (version >= 1) e.array([], () => {}); // synonyms
    });
  });
}
