import type { Encoder } from '../../encoder';

/** CreatePartitions v1 response. */
export function encodeV1(
  e: Encoder,
  r: { results: { name: string; errorCode: number; errorMessage: string | null }[] },
): void {
  e.int32(0);
  e.array(r.results, (e, t) => e.string(t.name).int16(t.errorCode).nullableString(t.errorMessage));
}
