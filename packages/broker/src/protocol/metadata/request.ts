import type { Decoder } from '../decoder';

export interface MetadataRequest {
  /** null = all topics. */
  topics: string[] | null;
  allowAutoTopicCreation: boolean;
}

export function decodeMetadataRequest(d: Decoder, version: number): MetadataRequest {
  let topics = d.nullableArray((d) => d.string());
  // v0 has no null: an empty array means all topics.
  if (version === 0 && topics !== null && topics.length === 0) topics = null;
  const allowAutoTopicCreation = version >= 4 ? d.bool() : true;
  return { topics, allowAutoTopicCreation };
}
