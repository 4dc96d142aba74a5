import type { Decoder } from '../../decoder';
import type { MetadataRequest } from '../types';

/** Metadata v4 request. */
export function decodeV4(d: Decoder): MetadataRequest {
  const topics = d.nullableArray((d) => d.string());
  // null = all topics (v1+).
  const allowAutoTopicCreation = d.bool();
  return { topics, allowAutoTopicCreation };
}
