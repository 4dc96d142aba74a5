// Shapes of AlterConfigs requests and responses, shared by every version.

export interface AlterConfigsRequest {
  resources: {
    resourceType: number;
    resourceName: string;
    configs: { name: string; value: string | null }[];
  }[];
  validateOnly: boolean;
}

export interface AlterConfigsResponse {
  results: { errorCode: number; errorMessage: string | null; resourceType: number; resourceName: string }[];
}
