import type { Encoder } from '../../encoder';
import type { CreateTopicsResponse } from '../types';

/** CreateTopics v1 response. */
export function encodeV1(e: Encoder, r: CreateTopicsResponse): void {
  e.array(r.topics, (e, t) => {
    e.string(t.name).int16(t.errorCode);
    e.nullableString(t.errorMessage);
  });
}
