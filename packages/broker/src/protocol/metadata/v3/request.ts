import type { Decoder } from '../../decoder';
import type { MetadataRequest } from '../types';

/** Metadata v3 request. */
export function decodeV3(d: Decoder): MetadataRequest {
  const topics = d.nullableArray((d) => d.string());
  // null = all topics (v1+).
  const allowAutoTopicCreation = true;
  return { topics, allowAutoTopicCreation };
}
