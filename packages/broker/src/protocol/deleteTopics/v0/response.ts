import type { Encoder } from '../../encoder';

/** DeleteTopics v0 response. */
export function encodeV0(e: Encoder, r: { topics: { name: string; errorCode: number }[] }): void {
  e.array(r.topics, (e, t) => e.string(t.name).int16(t.errorCode));
}
