// Shapes of OffsetCommit requests and responses, shared by every version.

export interface OffsetCommitRequest {
  groupId: string;
  generationId: number;
  memberId: string;
  topics: { name: string; partitions: { partition: number; offset: number; metadata: string | null }[] }[];
}

export interface OffsetCommitResponse {
  topics: { name: string; partitions: { partition: number; errorCode: number }[] }[];
}
