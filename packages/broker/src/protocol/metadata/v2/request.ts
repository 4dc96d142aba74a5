import type { Decoder } from '../../decoder';
import type { MetadataRequest } from '../types';

/** Metadata v2 request. */
export function decodeV2(d: Decoder): MetadataRequest {
  const topics = d.nullableArray((d) => d.string());
  // null = all topics (v1+).
  const allowAutoTopicCreation = true;
  return { topics, allowAutoTopicCreation };
}
