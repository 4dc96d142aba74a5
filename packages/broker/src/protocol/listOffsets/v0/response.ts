import type { Encoder } from '../../encoder';
import type { ListOffsetsResponse } from '../types';

/** ListOffsets v0 response. */
export function encodeV0(e: Encoder, r: ListOffsetsResponse): void {
  e.array(r.topics, (e, t) => {
    e.string(t.name);
    e.array(t.partitions, (e, p) => {
      e.int32(p.partition).int16(p.errorCode);
      e.array(p.offset >= 0 ? [p.offset] : [], (e, o) => e.int64(o)); // old_style_offsets
    });
  });
}
