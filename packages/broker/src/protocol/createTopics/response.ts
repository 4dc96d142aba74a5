import type { Encoder } from '../encoder';

export interface CreateTopicsResponse {
  topics: { name: string; errorCode: number; errorMessage: string | null }[];
}

export function encodeCreateTopicsResponse(e: Encoder, version: number, r: CreateTopicsResponse): void {
  if (version >= 2) e.int32(0);
  e.array(r.topics, (e, t) => {
    e.string(t.name).int16(t.errorCode);
    if (version >= 1) e.nullableString(t.errorMessage);
  });
}
