import type { Decoder } from '../decoder';

export interface OffsetCommitRequest {
  groupId: string;
  generationId: number;
  memberId: string;
  topics: { name: string; partitions: { partition: number; offset: number; metadata: string | null }[] }[];
}

export function decodeOffsetCommitRequest(d: Decoder, version: number): OffsetCommitRequest {
  const groupId = d.string();
  const generationId = version >= 1 ? d.int32() : -1;
  const memberId = version >= 1 ? d.string() : '';
  if (version >= 2 && version <= 4) d.int64(); // retention_time_ms
  const topics = d.array((d) => ({
    name: d.string(),
    partitions: d.array((d) => {
      const partition = d.int32();
      const offset = d.int64();
      if (version === 1) d.int64(); // commit_timestamp
      return { partition, offset, metadata: d.nullableString() };
    }),
  }));
  return { groupId, generationId, memberId, topics };
}
