import type { Encoder } from '../encoder';

export interface OffsetFetchResponse {
  errorCode: number;
  topics: {
    name: string;
    partitions: { partition: number; offset: number; metadata: string | null; errorCode: number }[];
  }[];
}

export function encodeOffsetFetchResponse(e: Encoder, version: number, r: OffsetFetchResponse): void {
  if (version >= 3) e.int32(0);
  e.array(r.topics, (e, t) => {
    e.string(t.name);
    e.array(t.partitions, (e, p) =>
      e.int32(p.partition).int64(p.offset).nullableString(p.metadata).int16(p.errorCode),
    );
  });
  if (version >= 2) e.int16(r.errorCode);
}
