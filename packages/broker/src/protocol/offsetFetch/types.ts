// Shapes of OffsetFetch requests and responses, shared by every version.

export interface OffsetFetchRequest {
  groupId: string;
  /** null = every partition with a committed offset (v2+). */
  topics: { name: string; partitions: number[] }[] | null;
}

export interface OffsetFetchResponse {
  errorCode: number;
  topics: {
    name: string;
    partitions: { partition: number; offset: number; metadata: string | null; errorCode: number }[];
  }[];
}
