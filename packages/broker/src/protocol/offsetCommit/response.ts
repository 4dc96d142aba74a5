import type { Encoder } from '../encoder';

export interface OffsetCommitResponse {
  topics: { name: string; partitions: { partition: number; errorCode: number }[] }[];
}

export function encodeOffsetCommitResponse(e: Encoder, version: number, r: OffsetCommitResponse): void {
  if (version >= 3) e.int32(0);
  e.array(r.topics, (e, t) => {
    e.string(t.name);
    e.array(t.partitions, (e, p) => e.int32(p.partition).int16(p.errorCode));
  });
}
