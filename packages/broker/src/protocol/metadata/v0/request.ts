import type { Decoder } from '../../decoder';
import type { MetadataRequest } from '../types';

/** Metadata v0 request. */
export function decodeV0(d: Decoder): MetadataRequest {
  let topics = d.nullableArray((d) => d.string());
  // v0 has no null: an empty array means all topics.
  if (topics !== null && topics.length === 0) topics = null;
  const allowAutoTopicCreation = true;
  return { topics, allowAutoTopicCreation };
}
