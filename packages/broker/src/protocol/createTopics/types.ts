// Shapes of CreateTopics requests and responses, shared by every version.

export interface CreateTopicsRequest {
  topics: {
    name: string;
    numPartitions: number;
    replicationFactor: number;
    assignments: { partition: number; brokers: number[] }[];
    configs: { name: string; value: string | null }[];
  }[];
  timeoutMs: number;
  validateOnly: boolean;
}

export interface CreateTopicsResponse {
  topics: { name: string; errorCode: number; errorMessage: string | null }[];
}
