import type { Encoder } from '../encoder';

export interface MetadataResponse {
  brokers: { nodeId: number; host: string; port: number }[];
  clusterId: string;
  controllerId: number;
  topics: {
    errorCode: number;
    name: string;
    partitions: { errorCode: number; partitionIndex: number; leaderId: number; replicas: number[] }[];
  }[];
}

export function encodeMetadataResponse(e: Encoder, version: number, r: MetadataResponse): void {
  if (version >= 3) e.int32(0);
  e.array(r.brokers, (e, b) => {
    e.int32(b.nodeId).string(b.host).int32(b.port);
    if (version >= 1) e.nullableString(null);
  });
  if (version >= 2) e.nullableString(r.clusterId);
  if (version >= 1) e.int32(r.controllerId);
  e.array(r.topics, (e, t) => {
    e.int16(t.errorCode).string(t.name);
    if (version >= 1) e.bool(false);
    e.array(t.partitions, (e, p) => {
      e.int16(p.errorCode).int32(p.partitionIndex).int32(p.leaderId);
      e.array(p.replicas, (e, n) => e.int32(n));
      e.array(p.replicas, (e, n) => e.int32(n));
      if (version >= 5) e.array([], () => {});
    });
  });
}
