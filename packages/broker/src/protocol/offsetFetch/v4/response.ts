import type { Encoder } from '../../encoder';
import type { OffsetFetchResponse } from '../types';

/** OffsetFetch v4 response. */
export function encodeV4(e: Encoder, r: OffsetFetchResponse): void {
  e.int32(0);
  e.array(r.topics, (e, t) => {
    e.string(t.name);
    e.array(t.partitions, (e, p) =>
      e.int32(p.partition).int64(p.offset).nullableString(p.metadata).int16(p.errorCode),
    );
  });
  e.int16(r.errorCode);
}
