import { ErrorCode } from '../protocol/errors';
import type { JoinGroupRequest } from '../protocol/joinGroup';
import { Group } from './group';

const meta = Buffer.from([0, 1]);
const joinReq = (memberId: string, over: Partial<JoinGroupRequest> = {}): JoinGroupRequest => ({
  groupId: 'g',
  sessionTimeoutMs: 200,
  rebalanceTimeoutMs: 300,
  memberId,
  groupInstanceId: null,
  protocolType: 'consumer',
  protocols: [{ name: 'roundrobin', metadata: meta }],
  ...over,
});
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** KIP-394 two-step join. */
async function joinNew(g: Group, client: string) {
  const first = await g.join(joinReq(''), client, 'h');
  expect(first.errorCode).toBe(ErrorCode.MEMBER_ID_REQUIRED);
  expect(first.memberId).toMatch(new RegExp(`^${client}-`));
  return { id: first.memberId, answer: Promise.resolve(g.join(joinReq(first.memberId), client, 'h')) };
}

describe('Group (classic protocol)', () => {
  let g: Group;
  beforeEach(() => {
    g = new Group('g', { initialRebalanceDelayMs: 0 });
  });
  afterEach(() => g.shutdown());

  it('asks for a member id, then makes the first member leader of generation 1', async () => {
    const a = await joinNew(g, 'c1');
    const r = await a.answer;
    expect(r).toMatchObject({ errorCode: 0, generationId: 1, leader: a.id, protocolName: 'roundrobin' });
    expect(r.members.map((m) => m.memberId)).toEqual([a.id]);
    expect(g.state).toBe('CompletingRebalance');
    expect(await g.sync(a.id, 1, [{ memberId: a.id, assignment: Buffer.from('A') }])).toEqual({
      errorCode: 0,
      assignment: Buffer.from('A'),
    });
    expect(g.state).toBe('Stable');
  });

  it('rebalances when a member joins: the old member is told, rejoins, followers wait for the leader', async () => {
    const a = await joinNew(g, 'c1');
    await a.answer;
    await g.sync(a.id, 1, []);
    const b = await joinNew(g, 'c2');
    expect(g.state).toBe('PreparingRebalance');
    expect(g.heartbeat(a.id, 1)).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
    expect(g.commitError(a.id, 1)).toBe(ErrorCode.NONE); // commits still accepted while preparing
    const aAgain = g.join(joinReq(a.id), 'c1', 'h');
    const [ra, rb] = await Promise.all([aAgain, b.answer]);
    expect(ra.generationId).toBe(2);
    expect(rb.generationId).toBe(2);
    expect(ra.leader).toBe(a.id);
    expect(rb.members).toEqual([]);
    expect(ra.members).toHaveLength(2);
    expect(g.commitError(b.id, 2)).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
    const followerSync = g.sync(b.id, 2, []);
    expect(followerSync).toBeInstanceOf(Promise);
    await g.sync(a.id, 2, [
      { memberId: a.id, assignment: Buffer.from('A') },
      { memberId: b.id, assignment: Buffer.from('B') },
    ]);
    expect(await followerSync).toEqual({ errorCode: 0, assignment: Buffer.from('B') });
    expect(g.heartbeat(b.id, 1)).toBe(ErrorCode.ILLEGAL_GENERATION);
    expect(g.heartbeat('nobody', 2)).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
  });

  it('evicts a member that does not rejoin within the rebalance timeout', async () => {
    const a = await joinNew(g, 'c1');
    await a.answer;
    await g.sync(a.id, 1, []);
    const b = await joinNew(g, 'c2');
    // a never rejoins: after rebalanceTimeoutMs b alone forms generation 2.
    const rb = await b.answer;
    expect(rb).toMatchObject({ generationId: 2, leader: b.id });
    expect(g.members.has(a.id)).toBe(false);
  });

  it('evicts a silent member after its session timeout and empties the group', async () => {
    const a = await joinNew(g, 'c1');
    await a.answer;
    await g.sync(a.id, 1, []);
    await sleep(350);
    expect(g.members.size).toBe(0);
    expect(g.state).toBe('Empty');
    expect(g.heartbeat(a.id, 1)).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
  });

  it('leaves: remaining members rebalance; the last leave empties the group', async () => {
    const a = await joinNew(g, 'c1');
    await a.answer;
    const b = await joinNew(g, 'c2');
    const [ra1, rb1] = await Promise.all([g.join(joinReq(a.id), 'c1', 'h'), b.answer]);
    expect([ra1.generationId, rb1.generationId]).toEqual([2, 2]);
    expect(g.leave(b.id)).toBe(ErrorCode.NONE);
    expect(g.state).toBe('PreparingRebalance');
    const ra = await g.join(joinReq(a.id), 'c1', 'h');
    expect(ra.members.map((m) => m.memberId)).toEqual([a.id]);
    expect(g.leave(a.id)).toBe(ErrorCode.NONE);
    expect(g.state).toBe('Empty');
    expect(g.commitError('', -1)).toBe(ErrorCode.NONE); // admin-style commit on an empty group
  });

  it('refuses members without a common protocol', async () => {
    const a = await joinNew(g, 'c1');
    await a.answer;
    const r = await g.join(joinReq('', { protocols: [{ name: 'range', metadata: meta }] }), 'c2', 'h');
    expect(r.errorCode).toBe(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
  });

  it('a leader that dies before SyncGroup sends its followers back to join; waiting followers are not evicted', async () => {
    const a = await joinNew(g, 'c1');
    await a.answer;
    const b = await joinNew(g, 'c2');
    const [ra] = await Promise.all([g.join(joinReq(a.id), 'c1', 'h'), b.answer]);
    expect(ra.leader).toBe(a.id);
    const waiting = g.sync(b.id, 2, []);
    // a never syncs nor heartbeats: its session (200 ms) ends, b's does not while it waits.
    expect(await waiting).toEqual({
      errorCode: ErrorCode.REBALANCE_IN_PROGRESS,
      assignment: Buffer.alloc(0),
    });
    expect(g.members.has(a.id)).toBe(false);
    expect(g.members.has(b.id)).toBe(true);
    const rb = await g.join(joinReq(b.id), 'c2', 'h');
    expect(rb).toMatchObject({ errorCode: 0, generationId: 3, leader: b.id });
  });
});
