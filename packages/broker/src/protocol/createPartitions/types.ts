// Shapes of CreatePartitions requests and responses, shared by every version.

export interface CreatePartitionsRequest {
  topics: { name: string; count: number }[];
  validateOnly: boolean;
}
