import type { Encoder } from '../../encoder';
import type { CreateTopicsResponse } from '../types';

/** CreateTopics v0 response. */
export function encodeV0(e: Encoder, r: CreateTopicsResponse): void {
  e.array(r.topics, (e, t) => {
    e.string(t.name).int16(t.errorCode);
  });
}
