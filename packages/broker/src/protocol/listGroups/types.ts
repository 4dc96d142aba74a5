// Shapes of ListGroups requests and responses, shared by every version.

export interface ListGroupsResponse {
  errorCode: number;
  groups: { groupId: string; protocolType: string }[];
}
