// Shapes of DescribeConfigs requests and responses, shared by every version.

export interface DescribeConfigsRequest {
  resources: { resourceType: number; resourceName: string; keys: string[] | null }[];
}

export interface DescribeConfigsResult {
  errorCode: number;
  errorMessage: string | null;
  resourceType: number;
  resourceName: string;
  configs: { name: string; value: string | null; readOnly: boolean; isDefault: boolean }[];
}
