// Shapes of FindCoordinator requests and responses, shared by every version.

export interface FindCoordinatorRequest {
  key: string;
  keyType: number;
}

export interface FindCoordinatorResponse {
  errorCode: number;
  nodeId: number;
  host: string;
  port: number;
}
