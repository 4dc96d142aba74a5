import type { Encoder } from '../../encoder';
import type { CreateTopicsResponse } from '../types';

/** CreateTopics v2 response. */
export function encodeV2(e: Encoder, r: CreateTopicsResponse): void {
  e.int32(0);
  e.array(r.topics, (e, t) => {
    e.string(t.name).int16(t.errorCode);
    e.nullableString(t.errorMessage);
  });
}
