import type { Encoder } from '../encoder';

export interface DescribedGroup {
  errorCode: number;
  groupId: string;
  state: string;
  protocolType: string;
  protocolData: string;
  members: {
    memberId: string;
    clientId: string;
    clientHost: string;
    metadata: Buffer;
    assignment: Buffer;
  }[];
}

export function encodeDescribeGroupsResponse(
  e: Encoder,
  version: number,
  r: { groups: DescribedGroup[] },
): void {
  if (version >= 1) e.int32(0);
  e.array(r.groups, (e, g) => {
    e.int16(g.errorCode).string(g.groupId).string(g.state).string(g.protocolType).string(g.protocolData);
    e.array(g.members, (e, m) => {
      e.string(m.memberId).string(m.clientId).string(m.clientHost).bytes(m.metadata).bytes(m.assignment);
    });
  });
}
