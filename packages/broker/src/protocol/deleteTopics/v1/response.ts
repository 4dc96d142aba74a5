import type { Encoder } from '../../encoder';

/** DeleteTopics v1 response. */
export function encodeV1(e: Encoder, r: { topics: { name: string; errorCode: number }[] }): void {
  e.int32(0);
  e.array(r.topics, (e, t) => e.string(t.name).int16(t.errorCode));
}
