import type { Decoder } from '../../decoder';
import type { OffsetCommitRequest } from '../types';

/** OffsetCommit v0 request. */
export function decodeV0(d: Decoder): OffsetCommitRequest {
  const groupId = d.string();
  const generationId = -1;
  const memberId = '';
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
