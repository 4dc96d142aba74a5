import type { Decoder } from '../decoder';

export interface CreatePartitionsRequest {
  topics: { name: string; count: number }[];
  validateOnly: boolean;
}

export function decodeCreatePartitionsRequest(d: Decoder, _version: number): CreatePartitionsRequest {
  const topics = d.array((d) => {
    const name = d.string();
    const count = d.int32();
    d.nullableArray((d) => d.array((d) => d.int32())); // assignments: one broker, ignored
    return { name, count };
  });
  d.int32(); // timeout_ms
  return { topics, validateOnly: d.bool() };
}
