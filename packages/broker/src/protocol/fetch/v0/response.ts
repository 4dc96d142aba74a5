import type { Encoder } from '../../encoder';
import type { FetchResponse } from '../types';

/** Fetch v0 response. */
export function encodeV0(e: Encoder, r: FetchResponse): void {
  e.array(r.topics, (e, t) => {
    e.string(t.name);
    e.array(t.partitions, (e, p) => {
      e.int32(p.partition).int16(p.errorCode).int64(p.highWatermark);
      // An empty partition is a zero-length record set, never null (librdkafka).
      e.bytes(p.records);
    });
  });
}
