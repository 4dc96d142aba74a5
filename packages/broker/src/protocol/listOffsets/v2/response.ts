import type { Encoder } from '../../encoder';
import type { ListOffsetsResponse } from '../types';

/** ListOffsets v2 response. */
export function encodeV2(e: Encoder, r: ListOffsetsResponse): void {
  e.int32(0);
  e.array(r.topics, (e, t) => {
    e.string(t.name);
    e.array(t.partitions, (e, p) => {
      e.int32(p.partition).int16(p.errorCode);
      e.int64(p.timestamp).int64(p.offset);
    });
  });
}
