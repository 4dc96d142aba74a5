// Shapes of ApiVersions requests and responses, shared by every version.

export interface ApiVersionsRequest {
  clientSoftwareName?: string | null;
  clientSoftwareVersion?: string | null;
}

export interface ApiVersionsResponse {
  errorCode: number;
  apiKeys: { apiKey: number; minVersion: number; maxVersion: number }[];
}
