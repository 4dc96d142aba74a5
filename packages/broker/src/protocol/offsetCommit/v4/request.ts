import type { Decoder } from '../../decoder';
import type { OffsetCommitRequest } from '../types';

/** OffsetCommit v4 request. */
export function decodeV4(d: Decoder): OffsetCommitRequest {
  const groupId = d.string();
  const generationId = d.int32();
  const memberId = d.string();
  d.int64(); // retention_time_ms
  const topics = d.array((d) => ({
    name: d.string(),
    partitions: d.array((d) => {
      const partition = d.int32();
      const offset = d.int64();
      return { partition, offset, metadata: d.nullableString() };
    }),
  }));
  return { groupId, generationId, memberId, topics };
}
