import type { Decoder } from '../../decoder';
import type { MetadataRequest } from '../types';

/** Metadata v6 request. */
export function decodeV6(d: Decoder): MetadataRequest {
  const topics = d.nullableArray((d) => d.string());
  // null = all topics (v1+).
  const allowAutoTopicCreation = d.bool();
  return { topics, allowAutoTopicCreation };
}
