import type { Encoder } from '../encoder';

export interface ProducePartitionResponse {
  index: number;
  errorCode: number;
  baseOffset: number;
  logStartOffset: number;
}

export interface ProduceResponse {
  topics: { name: string; partitions: ProducePartitionResponse[] }[];
}

export function encodeProduceResponse(e: Encoder, version: number, r: ProduceResponse): void {
  e.array(r.topics, (e, t) => {
    e.string(t.name);
    e.array(t.partitions, (e, p) => {
      e.int32(p.index).int16(p.errorCode).int64(p.baseOffset);
      if (version >= 2) e.int64(-1); // log_append_time: -1 for CreateTime topics
      if (version >= 5) e.int64(p.logStartOffset);
    });
  });
  if (version >= 1) e.int32(0);
}
