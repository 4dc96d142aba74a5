import type { Decoder } from '../../decoder';

/** InitProducerId v1 request. */
export function decodeV1(d: Decoder): { transactionalId: string | null; transactionTimeoutMs: number } {
  return { transactionalId: d.nullableString(), transactionTimeoutMs: d.int32() };
}
