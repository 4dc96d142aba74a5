// Shapes of LeaveGroup requests and responses, shared by every version.

export interface LeaveGroupRequest {
  groupId: string;
  memberIds: string[];
}

export interface LeaveGroupResponse {
  errorCode: number;
  members: { memberId: string; errorCode: number }[];
}
