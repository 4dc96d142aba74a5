import type { Encoder } from '../../encoder';
import type { OffsetFetchResponse } from '../types';

/** OffsetFetch v1 response. */
export function encodeV1(e: Encoder, r: OffsetFetchResponse): void {
  e.array(r.topics, (e, t) => {
    e.string(t.name);
    e.array(t.partitions, (e, p) =>
      e.int32(p.partition).int64(p.offset).nullableString(p.metadata).int16(p.errorCode),
    );
  });
}
