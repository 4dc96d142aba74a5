import type { Encoder } from '../../encoder';
import type { OffsetCommitResponse } from '../types';

/** OffsetCommit v3 response. */
export function encodeV3(e: Encoder, r: OffsetCommitResponse): void {
  e.int32(0);
  e.array(r.topics, (e, t) => {
    e.string(t.name);
    e.array(t.partitions, (e, p) => e.int32(p.partition).int16(p.errorCode));
  });
}
