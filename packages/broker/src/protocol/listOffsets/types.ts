// Shapes of ListOffsets requests and responses, shared by every version.

export interface ListOffsetsRequest {
  isolationLevel: number;
  topics: { name: string; partitions: { partition: number; timestamp: number }[] }[];
}

export interface ListOffsetsResponse {
  topics: {
    name: string;
    partitions: { partition: number; errorCode: number; timestamp: number; offset: number }[];
  }[];
}
