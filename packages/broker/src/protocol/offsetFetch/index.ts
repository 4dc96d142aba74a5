import { DecodeError, type Decoder } from '../decoder';
import type { Encoder } from '../encoder';
import { decodeV1 } from './v1/request';
import { encodeV1 } from './v1/response';
import { decodeV2 } from './v2/request';
import { encodeV2 } from './v2/response';
import { decodeV3 } from './v3/request';
import { encodeV3 } from './v3/response';
import { decodeV4 } from './v4/request';
import { encodeV4 } from './v4/response';

type Request = ReturnType<typeof decodeV1>;
type Response = Parameters<typeof encodeV1>[1];

/** OffsetFetch request decoders by version: one file per version under ./v<N>/. */
export const requestDecoders: Record<number, (d: Decoder) => Request> = {
  1: decodeV1,
  2: decodeV2,
  3: decodeV3,
  4: decodeV4,
};

/** OffsetFetch response encoders by version. */
export const responseEncoders: Record<number, (e: Encoder, r: Response) => void> = {
  1: encodeV1,
  2: encodeV2,
  3: encodeV3,
  4: encodeV4,
};

export function decodeOffsetFetchRequest(d: Decoder, version: number): Request {
  const decode = requestDecoders[version];
  if (!decode) throw new DecodeError(`OffsetFetch v${version} is not supported`);
  return decode(d);
}

export function encodeOffsetFetchResponse(e: Encoder, version: number, r: Response): void {
  const encode = responseEncoders[version];
  if (!encode) throw new Error(`OffsetFetch v${version} is not supported`);
  encode(e, r);
}

export type * from './types';
