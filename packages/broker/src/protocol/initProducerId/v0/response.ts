import type { Encoder } from '../../encoder';
import type { InitProducerIdResponse } from '../types';

/** InitProducerId v0 response. */
export function encodeV0(e: Encoder, r: InitProducerIdResponse): void {
  e.int32(0).int16(r.errorCode).int64(r.producerId).int16(r.producerEpoch);
}
