import type { Encoder } from '../../encoder';
import type { MetadataResponse } from '../types';

/** Metadata v3 response. */
export function encodeV3(e: Encoder, r: MetadataResponse): void {
  e.int32(0);
  e.array(r.brokers, (e, b) => {
    e.int32(b.nodeId).string(b.host).int32(b.port);
    e.nullableString(null);
  });
  e.nullableString(r.clusterId);
  e.int32(r.controllerId);
  e.array(r.topics, (e, t) => {
    e.int16(t.errorCode).string(t.name);
    e.bool(false);
    e.array(t.partitions, (e, p) => {
      e.int16(p.errorCode).int32(p.partitionIndex).int32(p.leaderId);
      e.array(p.replicas, (e, n) => e.int32(n));
      e.array(p.replicas, (e, n) => e.int32(n));
    });
  });
}
