import type { Encoder } from '../../encoder';
import type { JoinGroupResponse } from '../types';

/** JoinGroup v1 response. */
export function encodeV1(e: Encoder, r: JoinGroupResponse): void {
  e.int16(r.errorCode).int32(r.generationId).string(r.protocolName).string(r.leader).string(r.memberId);
  e.array(r.members, (e, m) => {
    e.string(m.memberId);
    e.bytes(m.metadata);
  });
}
