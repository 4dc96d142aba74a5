import type { Decoder } from '../decoder';

export interface ListOffsetsRequest {
  isolationLevel: number;
  topics: { name: string; partitions: { partition: number; timestamp: number }[] }[];
}

export function decodeListOffsetsRequest(d: Decoder, version: number): ListOffsetsRequest {
  d.int32(); // replica_id
  const isolationLevel = version >= 2 ? d.int8() : 0;
  const topics = d.array((d) => ({
    name: d.string(),
    partitions: d.array((d) => {
      const partition = d.int32();
      const timestamp = d.int64();
      if (version === 0) d.int32(); // max_num_offsets
      return { partition, timestamp };
    }),
  }));
  return { isolationLevel, topics };
}
