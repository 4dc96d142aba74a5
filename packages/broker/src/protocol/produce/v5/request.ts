import type { Decoder } from '../../decoder';
import type { ProduceRequest } from '../types';

/** Produce v5 request. */
export function decodeV5(d: Decoder): ProduceRequest {
  const transactionalId = d.nullableString();
  const acks = d.int16();
  const timeoutMs = d.int32();
  const topics = d.array((d) => ({
    name: d.string(),
    partitions: d.array((d) => ({ index: d.int32(), records: d.nullableBytes() })),
  }));
  return { transactionalId, acks, timeoutMs, topics };
}
