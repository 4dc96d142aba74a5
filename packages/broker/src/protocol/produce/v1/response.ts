import type { Encoder } from '../../encoder';
import type { ProduceResponse } from '../types';

/** Produce v1 response. */
export function encodeV1(e: Encoder, r: ProduceResponse): void {
  e.array(r.topics, (e, t) => {
    e.string(t.name);
    e.array(t.partitions, (e, p) => {
      e.int32(p.index).int16(p.errorCode).int64(p.baseOffset);
    });
  });
  e.int32(0);
}
