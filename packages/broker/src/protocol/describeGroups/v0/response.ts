import type { Encoder } from '../../encoder';
import type { DescribedGroup } from '../types';

/** DescribeGroups v0 response. */
export function encodeV0(e: Encoder, r: { groups: DescribedGroup[] }): void {
  e.array(r.groups, (e, g) => {
    e.int16(g.errorCode).string(g.groupId).string(g.state).string(g.protocolType).string(g.protocolData);
    e.array(g.members, (e, m) => {
      e.string(m.memberId).string(m.clientId).string(m.clientHost).bytes(m.metadata).bytes(m.assignment);
    });
  });
}
