import type { Decoder } from '../decoder';

export function decodeInitProducerIdRequest(
  d: Decoder,
  _version: number,
): { transactionalId: string | null; transactionTimeoutMs: number } {
  return { transactionalId: d.nullableString(), transactionTimeoutMs: d.int32() };
}
