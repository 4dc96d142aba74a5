import type { Encoder } from '../../encoder';
import type { ProduceResponse } from '../types';

/** Produce v7 response. */
export function encodeV7(e: Encoder, r: ProduceResponse): void {
  e.array(r.topics, (e, t) => {
    e.string(t.name);
    e.array(t.partitions, (e, p) => {
      e.int32(p.index).int16(p.errorCode).int64(p.baseOffset);
      e.int64(-1); // log_append_time: -1 for CreateTime topics
      e.int64(p.logStartOffset);
    });
  });
  e.int32(0);
}
