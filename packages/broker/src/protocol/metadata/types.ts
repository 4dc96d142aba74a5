// Shapes of Metadata requests and responses, shared by every version.

export interface MetadataRequest {
  /** null = all topics. */
  topics: string[] | null;
  allowAutoTopicCreation: boolean;
}

export interface MetadataResponse {
  brokers: { nodeId: number; host: string; port: number }[];
  clusterId: string;
  controllerId: number;
  topics: {
    errorCode: number;
    name: string;
    partitions: { errorCode: number; partitionIndex: number; leaderId: number; replicas: number[] }[];
  }[];
}
