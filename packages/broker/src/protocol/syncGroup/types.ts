// Shapes of SyncGroup requests and responses, shared by every version.

export interface SyncGroupRequest {
  groupId: string;
  generationId: number;
  memberId: string;
  assignments: { memberId: string; assignment: Buffer }[];
}

export interface SyncGroupResponse {
  errorCode: number;
  assignment: Buffer;
}
