import type { Decoder } from '../decoder';

export interface FindCoordinatorRequest {
  key: string;
  keyType: number;
}

export function decodeFindCoordinatorRequest(d: Decoder, version: number): FindCoordinatorRequest {
  const key = d.string();
  const keyType = version >= 1 ? d.int8() : 0;
  return { key, keyType };
}
