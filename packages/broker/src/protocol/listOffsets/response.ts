import type { Encoder } from '../encoder';

export interface ListOffsetsResponse {
  topics: {
    name: string;
    partitions: { partition: number; errorCode: number; timestamp: number; offset: number }[];
  }[];
}

export function encodeListOffsetsResponse(e: Encoder, version: number, r: ListOffsetsResponse): void {
  if (version >= 2) e.int32(0);
  e.array(r.topics, (e, t) => {
    e.string(t.name);
    e.array(t.partitions, (e, p) => {
      e.int32(p.partition).int16(p.errorCode);
      if (version === 0) e.array(p.offset >= 0 ? [p.offset] : [], (e, o) => e.int64(o));
      else e.int64(p.timestamp).int64(p.offset);
    });
  });
}
