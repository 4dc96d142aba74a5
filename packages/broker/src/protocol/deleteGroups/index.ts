import { DecodeError, type Decoder } from '../decoder';
import type { Encoder } from '../encoder';
import { decodeV0 } from './v0/request';
import { encodeV0 } from './v0/response';
import { decodeV1 } from './v1/request';
import { encodeV1 } from './v1/response';

type Request = ReturnType<typeof decodeV0>;
type Response = Parameters<typeof encodeV0>[1];

/** DeleteGroups request decoders by version: one file per version under ./v<N>/. */
export const requestDecoders: Record<number, (d: Decoder) => Request> = {
  0: decodeV0,
  1: decodeV1,
};

/** DeleteGroups response encoders by version. */
export const responseEncoders: Record<number, (e: Encoder, r: Response) => void> = {
  0: encodeV0,
  1: encodeV1,
};

export function decodeDeleteGroupsRequest(d: Decoder, version: number): Request {
  const decode = requestDecoders[version];
  if (!decode) throw new DecodeError(`DeleteGroups v${version} is not supported`);
  return decode(d);
}

export function encodeDeleteGroupsResponse(e: Encoder, version: number, r: Response): void {
  const encode = responseEncoders[version];
  if (!encode) throw new Error(`DeleteGroups v${version} is not supported`);
  encode(e, r);
}
