import type { Encoder } from '../encoder';

export function encodeDeleteTopicsResponse(
  e: Encoder,
  version: number,
  r: { topics: { name: string; errorCode: number }[] },
): void {
  if (version >= 1) e.int32(0);
  e.array(r.topics, (e, t) => e.string(t.name).int16(t.errorCode));
}
