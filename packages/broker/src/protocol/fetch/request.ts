import type { Decoder } from '../decoder';

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

export function decodeFetchRequest(d: Decoder, version: number): FetchRequest {
  d.int32(); // replica_id
  const maxWaitMs = d.int32();
  const minBytes = d.int32();
  const maxBytes = version >= 3 ? d.int32() : 0x7fffffff;
  const isolationLevel = version >= 4 ? d.int8() : 0;
  if (version >= 7) {
    d.int32(); // session_id: sessions (KIP-227) are not kept; clients send 0 / -1
    d.int32(); // session_epoch
  }
  const topics = d.array((d) => ({
    name: d.string(),
    partitions: d.array((d) => {
      const partition = d.int32();
      if (version >= 9) d.int32(); // current_leader_epoch
      const fetchOffset = d.int64();
      if (version >= 5) d.int64(); // log_start_offset (followers only)
      return { partition, fetchOffset, partitionMaxBytes: d.int32() };
    }),
  }));
  if (version >= 7) d.array((d) => ({ name: d.string(), partitions: d.array((d) => d.int32()) }));
  if (version >= 11) d.string(); // rack_id
  return { maxWaitMs, minBytes, maxBytes, isolationLevel, topics };
}
