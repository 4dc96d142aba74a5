import { DecodeError, type Decoder } from '../decoder';
import type { Encoder } from '../encoder';
import { decodeV0 } from './v0/request';
import { encodeV0 } from './v0/response';
import { decodeV1 } from './v1/request';
import { encodeV1 } from './v1/response';
import { decodeV2 } from './v2/request';
import { encodeV2 } from './v2/response';
import { decodeV3 } from './v3/request';
import { encodeV3 } from './v3/response';

type Request = ReturnType<typeof decodeV0>;
type Response = Parameters<typeof encodeV0>[1];

/** CreateTopics request decoders by version: one file per version under ./v<N>/. */
export const requestDecoders: Record<number, (d: Decoder) => Request> = {
  0: decodeV0,
  1: decodeV1,
  2: decodeV2,
  3: decodeV3,
};

/** CreateTopics response encoders by version. */
export const responseEncoders: Record<number, (e: Encoder, r: Response) => void> = {
  0: encodeV0,
  1: encodeV1,
  2: encodeV2,
  3: encodeV3,
};

export function decodeCreateTopicsRequest(d: Decoder, version: number): Request {
  const decode = requestDecoders[version];
  if (!decode) throw new DecodeError(`CreateTopics v${version} is not supported`);
  return decode(d);
}

export function encodeCreateTopicsResponse(e: Encoder, version: number, r: Response): void {
  const encode = responseEncoders[version];
  if (!encode) throw new Error(`CreateTopics v${version} is not supported`);
  encode(e, r);
}

export type * from './types';
