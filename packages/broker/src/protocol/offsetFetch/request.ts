import type { Decoder } from '../decoder';

export interface OffsetFetchRequest {
  groupId: string;
  /** null = every partition with a committed offset (v2+). */
  topics: { name: string; partitions: number[] }[] | null;
}

export function decodeOffsetFetchRequest(d: Decoder, _version: number): OffsetFetchRequest {
  const groupId = d.string();
  const topics = d.nullableArray((d) => ({ name: d.string(), partitions: d.array((d) => d.int32()) }));
  return { groupId, topics };
}
