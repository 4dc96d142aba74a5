import type { Decoder } from '../../decoder';
import type { OffsetFetchRequest } from '../types';

/** OffsetFetch v4 request. */
export function decodeV4(d: Decoder): OffsetFetchRequest {
  const groupId = d.string();
  const topics = d.nullableArray((d) => ({ name: d.string(), partitions: d.array((d) => d.int32()) }));
  return { groupId, topics };
}
