import type { Encoder } from '../../encoder';
import type { FetchResponse } from '../types';

/** Fetch v6 response. */
export function encodeV6(e: Encoder, r: FetchResponse): void {
  e.int32(0);
  e.array(r.topics, (e, t) => {
    e.string(t.name);
    e.array(t.partitions, (e, p) => {
      e.int32(p.partition).int16(p.errorCode).int64(p.highWatermark);
      e.int64(p.lastStableOffset);
      e.int64(p.logStartOffset);
      e.array([], () => {}); // aborted_transactions
      // An empty partition is a zero-length record set, never null (librdkafka).
      e.bytes(p.records);
    });
  });
}
