// Shapes of Fetch requests and responses, shared by every version.

export interface FetchRequest {
  maxWaitMs: number;
  minBytes: number;
  maxBytes: number;
  isolationLevel: number;
  topics: {
    name: string;
    partitions: { partition: number; fetchOffset: number; partitionMaxBytes: number }[];
  }[];
}

export interface FetchPartitionResponse {
  partition: number;
  errorCode: number;
  highWatermark: number;
  lastStableOffset: number;
  logStartOffset: number;
  records: Buffer;
}

export interface FetchResponse {
  topics: { name: string; partitions: FetchPartitionResponse[] }[];
}
