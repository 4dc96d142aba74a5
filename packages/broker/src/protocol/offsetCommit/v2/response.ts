import type { Encoder } from '../../encoder';
import type { OffsetCommitResponse } from '../types';

/** OffsetCommit v2 response. */
export function encodeV2(e: Encoder, r: OffsetCommitResponse): void {
  e.array(r.topics, (e, t) => {
    e.string(t.name);
    e.array(t.partitions, (e, p) => e.int32(p.partition).int16(p.errorCode));
  });
}
