import { createHash, randomBytes, randomUUID } from 'node:crypto';

/** Who is on the other end of an agent connection, from its credential. */
export interface AgentPrincipal {
  agentId: string;
  hostId: string;
}

export interface EnrolledAgent extends AgentPrincipal {
  /** Shown once; only its hash is kept. */
  credential: string;
}

export class EnrollmentRefused extends Error {
  constructor(
    message: string,
    readonly code: 'TOKEN_INVALID' | 'TOKEN_USED' | 'TOKEN_EXPIRED' = 'TOKEN_INVALID',
  ) {
    super(message);
  }
}

/** Enrollment and credential checks; packages/identity provides the PostgreSQL-backed one. */
export interface AgentIdentity {
  /** Exchanges a one-time enrollment token for an agent id, a host id and a credential. */
  enroll(token: string, hostname: string): Promise<EnrolledAgent>;
  /** The agent a credential belongs to, or undefined when it is unknown or revoked. */
  authenticate(credential: string): Promise<AgentPrincipal | undefined>;
}

const sha256 = (s: string): Buffer => createHash('sha256').update(s, 'utf8').digest();

/**
 * In-process identity with the same rules as the real store: tokens single-use and expiring,
 * credentials kept only as SHA-256 hashes. Used by tests and by loadgen without PostgreSQL.
 */
export class MemoryAgentIdentity implements AgentIdentity {
  private readonly tokens = new Map<string, { expiresAt: number; used: boolean; hostId?: string }>();
  private readonly credentials = new Map<string, AgentPrincipal>();

  constructor(private readonly now: () => number = Date.now) {}

  /** What an admin does through the gateway: a one-time token, optionally bound to a host id. */
  issueToken(options: { ttlMs?: number; hostId?: string } = {}): string {
    const token = `nge_${randomBytes(24).toString('base64url')}`;
    this.tokens.set(sha256(token).toString('hex'), {
      expiresAt: this.now() + (options.ttlMs ?? 3_600_000),
      used: false,
      hostId: options.hostId,
    });
    return token;
  }

  async enroll(token: string, _hostname: string): Promise<EnrolledAgent> {
    const entry = this.tokens.get(sha256(token).toString('hex'));
    if (!entry) throw new EnrollmentRefused('unknown enrollment token');
    if (entry.used) throw new EnrollmentRefused('enrollment token already used', 'TOKEN_USED');
    if (entry.expiresAt <= this.now())
      throw new EnrollmentRefused('enrollment token expired', 'TOKEN_EXPIRED');
    entry.used = true;
    const principal = { agentId: `agent-${randomUUID()}`, hostId: entry.hostId ?? `host-${randomUUID()}` };
    const credential = `ngc_${randomBytes(32).toString('base64url')}`;
    this.credentials.set(sha256(credential).toString('hex'), principal);
    return { ...principal, credential };
  }

  async authenticate(credential: string): Promise<AgentPrincipal | undefined> {
    // Looked up by hash: the credential itself is never stored nor compared byte by byte.
    return this.credentials.get(sha256(credential).toString('hex'));
  }
}
