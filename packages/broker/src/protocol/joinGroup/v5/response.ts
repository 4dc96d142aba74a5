import type { Encoder } from '../../encoder';
import type { JoinGroupResponse } from '../types';

/** JoinGroup v5 response. */
export function encodeV5(e: Encoder, r: JoinGroupResponse): void {
  e.int32(0);
  e.int16(r.errorCode).int32(r.generationId).string(r.protocolName).string(r.leader).string(r.memberId);
  e.array(r.members, (e, m) => {
    e.string(m.memberId);
    e.nullableString(m.groupInstanceId);
    e.bytes(m.metadata);
  });
}
