import type { Encoder } from '../../encoder';
import type { ListOffsetsResponse } from '../types';

/** ListOffsets v1 response. */
export function encodeV1(e: Encoder, r: ListOffsetsResponse): void {
  e.array(r.topics, (e, t) => {
    e.string(t.name);
    e.array(t.partitions, (e, p) => {
      e.int32(p.partition).int16(p.errorCode);
      e.int64(p.timestamp).int64(p.offset);
    });
  });
}
