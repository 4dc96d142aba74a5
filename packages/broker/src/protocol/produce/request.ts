import type { Decoder } from '../decoder';

export interface ProduceRequest {
  transactionalId: string | null;
  acks: number;
  timeoutMs: number;
  topics: { name: string; partitions: { index: number; records: Buffer | null }[] }[];
}

/** Record sets are views into the request frame: batches are stored without copying. */
export function decodeProduceRequest(d: Decoder, version: number): ProduceRequest {
  const transactionalId = version >= 3 ? d.nullableString() : null;
  const acks = d.int16();
  const timeoutMs = d.int32();
  const topics = d.array((d) => ({
    name: d.string(),
    partitions: d.array((d) => ({ index: d.int32(), records: d.nullableBytes() })),
  }));
  return { transactionalId, acks, timeoutMs, topics };
}
