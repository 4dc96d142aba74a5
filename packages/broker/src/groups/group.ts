import { randomUUID } from 'node:crypto';
import { ErrorCode } from '../protocol/errors';
import type { JoinGroupRequest, JoinGroupResponse } from '../protocol/joinGroup';

export type GroupState = 'Empty' | 'PreparingRebalance' | 'CompletingRebalance' | 'Stable' | 'Dead';

export interface Member {
  id: string;
  clientId: string;
  clientHost: string;
  sessionTimeoutMs: number;
  rebalanceTimeoutMs: number;
  protocolType: string;
  protocols: { name: string; metadata: Buffer }[];
  assignment: Buffer;
  /** Pending JoinGroup answer during PreparingRebalance. */
  joinWaiter?: (r: JoinGroupResponse) => void;
  /** Pending SyncGroup answer during CompletingRebalance. */
  syncWaiter?: (r: { errorCode: number; assignment: Buffer }) => void;
  sessionTimer?: NodeJS.Timeout;
  /** The answer of this generation's join, repeated to an identical re-join. */
  lastJoin?: JoinGroupResponse;
}

export interface GroupOptions {
  initialRebalanceDelayMs: number;
  onEmpty?: () => void;
}

const EMPTY = Buffer.alloc(0);

const joinError = (errorCode: number, memberId = ''): JoinGroupResponse => ({
  errorCode,
  generationId: -1,
  protocolName: '',
  leader: '',
  memberId,
  members: [],
});

/**
 * One classic consumer group (AK GroupCoordinator; error rules as in franz-go kfake):
 * MEMBER_ID_REQUIRED joins, rebalances that wait for every known member up to the largest
 * rebalance timeout, generations, leader-driven assignment, session-timeout eviction.
 */
export class Group {
  state: GroupState = 'Empty';
  generation = 0;
  protocolType = '';
  protocolName = '';
  leaderId = '';
  readonly members = new Map<string, Member>();
  /** Member ids handed out with MEMBER_ID_REQUIRED, not yet joined; value = expiry timer. */
  private readonly pending = new Map<string, NodeJS.Timeout>();
  private rebalanceTimer: NodeJS.Timeout | undefined;
  private initialDelayUntil = 0;

  constructor(
    readonly id: string,
    private readonly opts: GroupOptions,
  ) {}

  join(
    req: JoinGroupRequest,
    clientId: string,
    clientHost: string,
  ): Promise<JoinGroupResponse> | JoinGroupResponse {
    if (req.sessionTimeoutMs <= 0) return joinError(ErrorCode.INVALID_SESSION_TIMEOUT, req.memberId);
    if (req.protocols.length === 0 || !req.protocolType) {
      return joinError(ErrorCode.INCONSISTENT_GROUP_PROTOCOL, req.memberId);
    }
    if (this.members.size > 0 && req.protocolType !== this.protocolType) {
      return joinError(ErrorCode.INCONSISTENT_GROUP_PROTOCOL, req.memberId);
    }
    if (this.members.size > 0 && !this.supportsCommonProtocol(req.protocols.map((p) => p.name))) {
      return joinError(ErrorCode.INCONSISTENT_GROUP_PROTOCOL, req.memberId);
    }
    if (req.memberId === '') {
      // KIP-394: hand out an id and ask the client to join again with it.
      const memberId = `${clientId}-${randomUUID()}`;
      this.pending.set(
        memberId,
        setTimeout(() => this.pending.delete(memberId), req.sessionTimeoutMs).unref(),
      );
      return joinError(ErrorCode.MEMBER_ID_REQUIRED, memberId);
    }
    const pendingTimer = this.pending.get(req.memberId);
    let member = this.members.get(req.memberId);
    if (!member && pendingTimer === undefined) return joinError(ErrorCode.UNKNOWN_MEMBER_ID, req.memberId);
    if (pendingTimer !== undefined) {
      clearTimeout(pendingTimer);
      this.pending.delete(req.memberId);
    }
    if (member && this.state === 'CompletingRebalance' && member.lastJoin && sameProtocols(member, req)) {
      this.touch(member);
      return member.lastJoin;
    }
    if (member && this.state === 'Stable' && member.id !== this.leaderId && sameProtocols(member, req)) {
      this.touch(member);
      return this.joinResponse(member);
    }
    if (!member) {
      member = {
        id: req.memberId,
        clientId,
        clientHost,
        sessionTimeoutMs: req.sessionTimeoutMs,
        rebalanceTimeoutMs: req.rebalanceTimeoutMs,
        protocolType: req.protocolType,
        protocols: req.protocols,
        assignment: EMPTY,
      };
      this.members.set(member.id, member);
      if (this.members.size === 1) this.protocolType = req.protocolType;
    } else {
      member.sessionTimeoutMs = req.sessionTimeoutMs;
      member.rebalanceTimeoutMs = req.rebalanceTimeoutMs;
      member.protocols = req.protocols;
    }
    // A join in flight keeps the member alive; its session restarts when the join completes.
    if (member.sessionTimer) clearTimeout(member.sessionTimer);
    member.sessionTimer = undefined;
    const m = member;
    const answer = new Promise<JoinGroupResponse>((resolve) => {
      m.joinWaiter?.(joinError(ErrorCode.UNKNOWN_MEMBER_ID, m.id)); // superseded duplicate join
      m.joinWaiter = resolve;
    });
    this.prepareRebalance();
    this.maybeCompleteJoin();
    return answer;
  }

  private supportsCommonProtocol(names: string[]): boolean {
    for (const m of this.members.values()) if (!m.protocols.some((p) => names.includes(p.name))) return false;
    return true;
  }

  private prepareRebalance(): void {
    if (this.state === 'PreparingRebalance') return;
    // Followers waiting in SyncGroup must rejoin.
    for (const m of this.members.values()) {
      m.syncWaiter?.({ errorCode: ErrorCode.REBALANCE_IN_PROGRESS, assignment: EMPTY });
      m.syncWaiter = undefined;
      m.lastJoin = undefined;
    }
    const wasEmpty = this.state === 'Empty';
    this.state = 'PreparingRebalance';
    const timeout = Math.max(0, ...[...this.members.values()].map((m) => m.rebalanceTimeoutMs));
    const delay = wasEmpty ? this.opts.initialRebalanceDelayMs : 0;
    this.initialDelayUntil = wasEmpty ? Date.now() + delay : 0;
    clearTimeout(this.rebalanceTimer);
    if (wasEmpty && delay > 0) {
      this.rebalanceTimer = setTimeout(() => {
        this.initialDelayUntil = 0;
        this.maybeCompleteJoin();
        if (this.state === 'PreparingRebalance') {
          this.rebalanceTimer = setTimeout(() => this.completeJoin(), timeout).unref();
        }
      }, delay).unref();
    } else {
      this.rebalanceTimer = setTimeout(() => this.completeJoin(), timeout).unref();
    }
  }

  private maybeCompleteJoin(): void {
    if (this.state !== 'PreparingRebalance' || Date.now() < this.initialDelayUntil) return;
    for (const m of this.members.values()) if (!m.joinWaiter) return;
    this.completeJoin();
  }

  /** Ends PreparingRebalance: evicts members that did not rejoin, bumps the generation, answers the joins. */
  private completeJoin(): void {
    if (this.state !== 'PreparingRebalance') return;
    clearTimeout(this.rebalanceTimer);
    this.rebalanceTimer = undefined;
    for (const m of [...this.members.values()]) if (!m.joinWaiter) this.removeMember(m);
    this.generation++;
    if (this.members.size === 0) {
      this.toEmpty();
      return;
    }
    this.protocolName = this.chooseProtocol();
    if (!this.members.has(this.leaderId)) this.leaderId = this.members.keys().next().value!;
    this.state = 'CompletingRebalance';
    for (const m of this.members.values()) {
      const r = this.joinResponse(m);
      m.lastJoin = r;
      const resolve = m.joinWaiter!;
      m.joinWaiter = undefined;
      this.touch(m);
      resolve(r);
    }
  }

  private joinResponse(m: Member): JoinGroupResponse {
    const isLeader = m.id === this.leaderId;
    return {
      errorCode: ErrorCode.NONE,
      generationId: this.generation,
      protocolName: this.protocolName,
      leader: this.leaderId,
      memberId: m.id,
      members: isLeader
        ? [...this.members.values()].map((x) => ({
            memberId: x.id,
            groupInstanceId: null,
            metadata: x.protocols.find((p) => p.name === this.protocolName)?.metadata ?? EMPTY,
          }))
        : [],
    };
  }

  /** Each member votes for its most preferred protocol that every member supports. */
  private chooseProtocol(): string {
    const all = [...this.members.values()];
    const common = all[0]!.protocols
      .map((p) => p.name)
      .filter((name) => all.every((m) => m.protocols.some((p) => p.name === name)));
    const votes = new Map<string, number>();
    for (const m of all) {
      const pick = m.protocols.find((p) => common.includes(p.name));
      if (pick) votes.set(pick.name, (votes.get(pick.name) ?? 0) + 1);
    }
    let best = common[0] ?? '';
    for (const [name, n] of votes) if (n > (votes.get(best) ?? 0)) best = name;
    return best;
  }

  sync(
    memberId: string,
    generationId: number,
    assignments: { memberId: string; assignment: Buffer }[],
  ): Promise<{ errorCode: number; assignment: Buffer }> | { errorCode: number; assignment: Buffer } {
    const m = this.members.get(memberId);
    if (!m) return { errorCode: ErrorCode.UNKNOWN_MEMBER_ID, assignment: EMPTY };
    if (generationId !== this.generation)
      return { errorCode: ErrorCode.ILLEGAL_GENERATION, assignment: EMPTY };
    this.touch(m);
    if (this.state === 'PreparingRebalance')
      return { errorCode: ErrorCode.REBALANCE_IN_PROGRESS, assignment: EMPTY };
    if (this.state === 'Stable') return { errorCode: ErrorCode.NONE, assignment: m.assignment };
    if (this.state !== 'CompletingRebalance')
      return { errorCode: ErrorCode.UNKNOWN_MEMBER_ID, assignment: EMPTY };
    if (memberId === this.leaderId) {
      const byMember = new Map(assignments.map((a) => [a.memberId, a.assignment]));
      this.state = 'Stable';
      for (const x of this.members.values()) {
        x.assignment = byMember.get(x.id) ?? EMPTY;
        x.lastJoin = undefined;
        if (x.syncWaiter) {
          const resolve = x.syncWaiter;
          x.syncWaiter = undefined;
          resolve({ errorCode: ErrorCode.NONE, assignment: x.assignment });
        }
      }
      return { errorCode: ErrorCode.NONE, assignment: m.assignment };
    }
    return new Promise((resolve) => {
      m.syncWaiter?.({ errorCode: ErrorCode.REBALANCE_IN_PROGRESS, assignment: EMPTY });
      m.syncWaiter = resolve;
    });
  }

  heartbeat(memberId: string, generationId: number): number {
    const m = this.members.get(memberId);
    if (!m) return ErrorCode.UNKNOWN_MEMBER_ID;
    if (generationId !== this.generation) return ErrorCode.ILLEGAL_GENERATION;
    this.touch(m);
    if (this.state === 'PreparingRebalance') return ErrorCode.REBALANCE_IN_PROGRESS;
    return ErrorCode.NONE;
  }

  leave(memberId: string): number {
    const pending = this.pending.get(memberId);
    if (pending !== undefined) {
      clearTimeout(pending);
      this.pending.delete(memberId);
      return ErrorCode.NONE;
    }
    const m = this.members.get(memberId);
    if (!m) return ErrorCode.UNKNOWN_MEMBER_ID;
    m.joinWaiter?.(joinError(ErrorCode.UNKNOWN_MEMBER_ID, m.id));
    m.joinWaiter = undefined;
    this.removeMember(m);
    this.memberGone();
    return ErrorCode.NONE;
  }

  /** Checks an OffsetCommit's generation and member; returns the error for every partition. */
  commitError(memberId: string, generationId: number): number {
    if (generationId < 0 && memberId === '') {
      return this.members.size === 0 ? ErrorCode.NONE : ErrorCode.ILLEGAL_GENERATION;
    }
    const m = this.members.get(memberId);
    if (!m) return ErrorCode.UNKNOWN_MEMBER_ID;
    if (generationId !== this.generation) return ErrorCode.ILLEGAL_GENERATION;
    if (this.state === 'CompletingRebalance') return ErrorCode.REBALANCE_IN_PROGRESS;
    this.touch(m);
    return ErrorCode.NONE;
  }

  private touch(m: Member): void {
    if (m.sessionTimer) clearTimeout(m.sessionTimer);
    m.sessionTimer = setTimeout(() => this.expire(m), m.sessionTimeoutMs).unref();
  }

  private expire(m: Member): void {
    if (this.members.get(m.id) !== m || m.joinWaiter) return;
    if (m.syncWaiter) {
      // Waiting for the leader's assignment is not silence; a dead leader is evicted on its own.
      this.touch(m);
      return;
    }
    this.removeMember(m);
    this.memberGone();
  }

  private removeMember(m: Member): void {
    if (m.sessionTimer) clearTimeout(m.sessionTimer);
    m.syncWaiter?.({ errorCode: ErrorCode.UNKNOWN_MEMBER_ID, assignment: EMPTY });
    m.syncWaiter = undefined;
    this.members.delete(m.id);
  }

  private memberGone(): void {
    if (this.members.size === 0) {
      if (this.state !== 'PreparingRebalance') this.generation++;
      this.toEmpty();
      return;
    }
    if (this.state === 'PreparingRebalance') this.maybeCompleteJoin();
    else this.prepareRebalance();
  }

  private toEmpty(): void {
    clearTimeout(this.rebalanceTimer);
    this.rebalanceTimer = undefined;
    this.state = 'Empty';
    this.leaderId = '';
    this.protocolName = '';
    this.opts.onEmpty?.();
  }

  shutdown(): void {
    clearTimeout(this.rebalanceTimer);
    for (const t of this.pending.values()) clearTimeout(t);
    for (const m of this.members.values()) {
      if (m.sessionTimer) clearTimeout(m.sessionTimer);
      m.joinWaiter?.(joinError(ErrorCode.COORDINATOR_NOT_AVAILABLE, m.id));
      m.syncWaiter?.({ errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, assignment: EMPTY });
    }
    this.members.clear();
  }
}

function sameProtocols(m: Member, req: JoinGroupRequest): boolean {
  return (
    m.protocols.length === req.protocols.length &&
    m.protocols.every(
      (p, i) => p.name === req.protocols[i]!.name && p.metadata.equals(req.protocols[i]!.metadata),
    )
  );
}
