// Shapes of InitProducerId requests and responses, shared by every version.

export interface InitProducerIdResponse {
  errorCode: number;
  producerId: number;
  producerEpoch: number;
}
