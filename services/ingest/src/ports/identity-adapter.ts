import {
  type AgentIdentity,
  type AgentPrincipal,
  type EnrolledAgent,
  EnrollmentRefused,
} from './agent-identity';

/** The part of packages/identity's AgentStore the edge uses (structural, so no import cycle). */
export interface AgentStoreLike {
  exchange(
    token: string,
    opts?: { hostname?: string },
  ): Promise<
    | { ok: true; agent: { agentId: string; hostId: string; credential: string } }
    | { ok: false; reason: 'invalid' | 'used' | 'expired' | 'revoked' }
  >;
  verifyCredential(credential: string): Promise<AgentPrincipal | undefined>;
}

const REFUSALS = {
  invalid: ['unknown enrollment token', 'TOKEN_INVALID'],
  revoked: ['enrollment token revoked', 'TOKEN_INVALID'],
  used: ['enrollment token already used', 'TOKEN_USED'],
  expired: ['enrollment token expired', 'TOKEN_EXPIRED'],
} as const;

/** AgentIdentity over packages/identity (PostgreSQL; tokens and credentials stored hashed). */
export class StoreAgentIdentity implements AgentIdentity {
  constructor(private readonly agents: AgentStoreLike) {}

  async enroll(token: string, hostname: string): Promise<EnrolledAgent> {
    const result = await this.agents.exchange(token, { hostname });
    if (!result.ok) {
      const [message, code] = REFUSALS[result.reason];
      throw new EnrollmentRefused(message, code);
    }
    const { agentId, hostId, credential } = result.agent;
    return { agentId, hostId, credential };
  }

  authenticate(credential: string): Promise<AgentPrincipal | undefined> {
    return this.agents.verifyCredential(credential);
  }
}
