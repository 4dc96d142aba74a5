import type { Decoder } from '../../decoder';

/** InitProducerId v0 request. */
export function decodeV0(d: Decoder): { transactionalId: string | null; transactionTimeoutMs: number } {
  return { transactionalId: d.nullableString(), transactionTimeoutMs: d.int32() };
}
