import type { Encoder } from '../../encoder';
import type { MetadataResponse } from '../types';

/** Metadata v0 response. */
export function encodeV0(e: Encoder, r: MetadataResponse): void {
  e.array(r.brokers, (e, b) => {
    e.int32(b.nodeId).string(b.host).int32(b.port);
  });
  e.array(r.topics, (e, t) => {
    e.int16(t.errorCode).string(t.name);
    e.array(t.partitions, (e, p) => {
      e.int16(p.errorCode).int32(p.partitionIndex).int32(p.leaderId);
      e.array(p.replicas, (e, n) => e.int32(n));
      e.array(p.replicas, (e, n) => e.int32(n));
    });
  });
}
