import type { Encoder } from '../encoder';

export interface InitProducerIdResponse {
  errorCode: number;
  producerId: number;
  producerEpoch: number;
}

export function encodeInitProducerIdResponse(e: Encoder, _version: number, r: InitProducerIdResponse): void {
  e.int32(0).int16(r.errorCode).int64(r.producerId).int16(r.producerEpoch);
}
