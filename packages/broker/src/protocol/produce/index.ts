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
import { decodeV4 } from './v4/request';
import { encodeV4 } from './v4/response';
import { decodeV5 } from './v5/request';
import { encodeV5 } from './v5/response';
import { decodeV6 } from './v6/request';
import { encodeV6 } from './v6/response';
import { decodeV7 } from './v7/request';
import { encodeV7 } from './v7/response';

// Record sets are views into the request frame: batches are stored without copying.

type Request = ReturnType<typeof decodeV0>;
type Response = Parameters<typeof encodeV0>[1];

/** Produce request decoders by version: one file per version under ./v<N>/. */
export const requestDecoders: Record<number, (d: Decoder) => Request> = {
  0: decodeV0,
  1: decodeV1,
  2: decodeV2,
  3: decodeV3,
  4: decodeV4,
  5: decodeV5,
  6: decodeV6,
  7: decodeV7,
};

/** Produce response encoders by version. */
export const responseEncoders: Record<number, (e: Encoder, r: Response) => void> = {
  0: encodeV0,
  1: encodeV1,
  2: encodeV2,
  3: encodeV3,
  4: encodeV4,
  5: encodeV5,
  6: encodeV6,
  7: encodeV7,
};

export function decodeProduceRequest(d: Decoder, version: number): Request {
  const decode = requestDecoders[version];
  if (!decode) throw new DecodeError(`Produce v${version} is not supported`);
  return decode(d);
}

export function encodeProduceResponse(e: Encoder, version: number, r: Response): void {
  const encode = responseEncoders[version];
  if (!encode) throw new Error(`Produce v${version} is not supported`);
  encode(e, r);
}

export type * from './types';
