import type { Encoder } from '../encoder';

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

export function encodeFetchResponse(e: Encoder, version: number, r: FetchResponse): void {
  if (version >= 1) e.int32(0);
  if (version >= 7) e.int16(0).int32(0); // error_code, session_id
  e.array(r.topics, (e, t) => {
    e.string(t.name);
    e.array(t.partitions, (e, p) => {
      e.int32(p.partition).int16(p.errorCode).int64(p.highWatermark);
      if (version >= 4) e.int64(p.lastStableOffset);
      if (version >= 5) e.int64(p.logStartOffset);
      if (version >= 4) e.array([], () => {}); // aborted_transactions
      if (version >= 11) e.int32(-1); // preferred_read_replica
      // An empty partition is a zero-length record set, never null (librdkafka).
      e.bytes(p.records);
    });
  });
}
