import type { Encoder } from '../../encoder';
import type { InitProducerIdResponse } from '../types';

/** InitProducerId v1 response. */
export function encodeV1(e: Encoder, r: InitProducerIdResponse): void {
  e.int32(0).int16(r.errorCode).int64(r.producerId).int16(r.producerEpoch);
}
