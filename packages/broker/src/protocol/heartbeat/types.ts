// Shapes of Heartbeat requests and responses, shared by every version.

export interface HeartbeatRequest {
  groupId: string;
  generationId: number;
  memberId: string;
}
