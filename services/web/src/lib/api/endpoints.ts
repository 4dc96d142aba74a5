// One typed call per route of the gateway contract (v1).
import type { HttpClient } from './http';
import type {
  Accepted,
  AlertDetail,
  AlertState,
  AlertSummary,
  ApiKey,
  AuditEvent,
  CommandDetail,
  CommandRequest,
  CommandRequested,
  CommandState,
  CommandSummary,
  EnrollmentToken,
  HostDetail,
  HostStatus,
  HostSummary,
  Me,
  Overview,
  PolicyCheck,
  Role,
  Rule,
  SeriesResponse,
  Silence,
  StreamState,
  Tier,
  TokenPair,
  User,
  VerifyResult,
} from './types';

export interface Page {
  limit?: number;
  cursor?: string;
}

const labelParams = (labels?: Record<string, string>) =>
  labels ? Object.entries(labels).map(([k, v]) => `${k}=${v}`) : undefined;

export class NagareApi {
  constructor(readonly http: HttpClient) {}

  // Auth
  async login(username: string, password: string): Promise<TokenPair> {
    const pair = await this.http.request<TokenPair>('POST', '/auth/login', {
      body: { username, password },
      auth: false,
    });
    this.http.adopt(pair);
    return pair;
  }
  async logout(refreshToken: string | null): Promise<void> {
    try {
      if (refreshToken)
        await this.http.request('POST', '/auth/logout', { body: { refreshToken }, auth: false });
    } finally {
      this.http.clear();
    }
  }
  me(): Promise<Me> {
    return this.http.request('GET', '/auth/me');
  }
  async changePassword(currentPassword: string, newPassword: string): Promise<TokenPair> {
    const pair = await this.http.request<TokenPair>('POST', '/auth/password', {
      body: { currentPassword, newPassword },
    });
    this.http.adopt(pair);
    return pair;
  }

  // Users, API keys, enrollment tokens (admin)
  users(): Promise<{ users: User[] }> {
    return this.http.request('GET', '/users');
  }
  createUser(body: {
    username: string;
    password: string;
    role: Role;
    mustChangePassword?: boolean;
  }): Promise<User> {
    return this.http.request('POST', '/users', { body });
  }
  updateUser(id: string, body: { role?: Role; disabled?: boolean }): Promise<User> {
    return this.http.request('PATCH', `/users/${encodeURIComponent(id)}`, { body });
  }
  resetPassword(id: string, password: string): Promise<User> {
    return this.http.request('POST', `/users/${encodeURIComponent(id)}/password`, { body: { password } });
  }
  deleteUser(id: string): Promise<void> {
    return this.http.request('DELETE', `/users/${encodeURIComponent(id)}`);
  }
  apiKeys(): Promise<{ apiKeys: ApiKey[] }> {
    return this.http.request('GET', '/api-keys');
  }
  createApiKey(name: string, role: Role): Promise<{ key: string; apiKey: ApiKey }> {
    return this.http.request('POST', '/api-keys', { body: { name, role } });
  }
  revokeApiKey(id: string): Promise<ApiKey> {
    return this.http.request('DELETE', `/api-keys/${encodeURIComponent(id)}`);
  }
  enrollmentTokens(): Promise<{ enrollmentTokens: EnrollmentToken[] }> {
    return this.http.request('GET', '/agents/enrollment-tokens');
  }
  createEnrollmentToken(body: {
    ttlSeconds?: number;
    labels?: Record<string, string>;
  }): Promise<{ token: string; enrollmentToken: EnrollmentToken }> {
    return this.http.request('POST', '/agents/enrollment-tokens', { body });
  }
  revokeEnrollmentToken(id: string): Promise<EnrollmentToken> {
    return this.http.request('DELETE', `/agents/enrollment-tokens/${encodeURIComponent(id)}`);
  }

  // Overview and hosts
  overview(): Promise<Overview> {
    return this.http.request('GET', '/overview');
  }
  hosts(
    q: {
      status?: HostStatus;
      labels?: Record<string, string>;
      q?: string;
      sort?: 'hostname' | 'cpu' | 'memory' | 'disk' | 'lastSeen';
      order?: 'asc' | 'desc';
    } & Page = {},
  ): Promise<{ hosts: HostSummary[]; nextCursor: string | null }> {
    return this.http.request('GET', '/hosts', {
      query: {
        status: q.status,
        label: labelParams(q.labels),
        q: q.q,
        sort: q.sort,
        order: q.order,
        limit: q.limit,
        cursor: q.cursor,
      },
    });
  }
  /** Every page of hosts (the table virtualizes, so it holds the whole fleet). */
  async allHosts(): Promise<HostSummary[]> {
    const all: HostSummary[] = [];
    let cursor: string | undefined;
    for (let i = 0; i < 100; i++) {
      const page = await this.hosts({ limit: 1000, cursor });
      all.push(...page.hosts);
      if (!page.nextCursor) break;
      cursor = page.nextCursor;
    }
    return all;
  }
  host(hostId: string): Promise<{ host: HostDetail }> {
    return this.http.request('GET', `/hosts/${encodeURIComponent(hostId)}`);
  }
  setLabels(hostId: string, labels: Record<string, string>): Promise<Accepted> {
    return this.http.request('PATCH', `/hosts/${encodeURIComponent(hostId)}/labels`, { body: { labels } });
  }

  // Metrics
  series(q: {
    hostId: string;
    name: string;
    labels?: Record<string, string>;
    from: number;
    to: number;
    step?: number;
    tier?: Tier;
  }): Promise<SeriesResponse> {
    return this.http.request('GET', '/metrics/series', {
      query: {
        hostId: q.hostId,
        name: q.name,
        label: labelParams(q.labels),
        from: q.from,
        to: q.to,
        step: q.step,
        tier: q.tier,
      },
    });
  }
  metricNames(hostId: string): Promise<{ names: { name: string; labels: Record<string, string>[] }[] }> {
    return this.http.request('GET', '/metrics/names', { query: { hostId } });
  }

  // Alerts
  alerts(
    q: { state?: AlertState[]; minSeverity?: number; hostId?: string; q?: string } & Page = {},
  ): Promise<{ alerts: AlertSummary[]; nextCursor: string | null }> {
    return this.http.request('GET', '/alerts', {
      query: {
        state: q.state,
        minSeverity: q.minSeverity,
        hostId: q.hostId,
        q: q.q,
        limit: q.limit,
        cursor: q.cursor,
      },
    });
  }
  alert(alertId: string): Promise<AlertDetail> {
    return this.http.request('GET', `/alerts/${encodeURIComponent(alertId)}`);
  }
  private alertAction(alertId: string, action: string, body: unknown): Promise<Accepted> {
    return this.http.request('POST', `/alerts/${encodeURIComponent(alertId)}/${action}`, { body });
  }
  acknowledge(alertId: string, comment?: string): Promise<Accepted> {
    return this.alertAction(alertId, 'acknowledge', comment ? { comment } : {});
  }
  addNote(alertId: string, text: string): Promise<Accepted> {
    return this.alertAction(alertId, 'notes', { text });
  }
  escalate(alertId: string, severity: number, reason: string): Promise<Accepted> {
    return this.alertAction(alertId, 'escalate', { severity, reason });
  }
  silenceAlert(alertId: string, durationMinutes: number, reason: string): Promise<Accepted> {
    return this.alertAction(alertId, 'silence', { durationMinutes, reason });
  }
  resolve(alertId: string, reason: string): Promise<Accepted> {
    return this.alertAction(alertId, 'resolve', { reason });
  }
  diagnose(alertId: string): Promise<Accepted> {
    return this.alertAction(alertId, 'diagnose', {});
  }

  // Commands
  policyCheck(body: CommandRequest): Promise<PolicyCheck> {
    return this.http.request('POST', '/commands/policy-check', { body });
  }
  requestCommand(body: CommandRequest, idempotencyKey?: string): Promise<CommandRequested> {
    return this.http.request('POST', '/commands', { body, idempotencyKey });
  }
  commands(
    q: {
      state?: CommandState;
      hostId?: string;
      requestedBy?: string;
      awaitingApproval?: boolean;
    } & Page = {},
  ): Promise<{ commands: CommandSummary[]; nextCursor: string | null }> {
    return this.http.request('GET', '/commands', {
      query: {
        state: q.state,
        hostId: q.hostId,
        requestedBy: q.requestedBy,
        awaitingApproval: q.awaitingApproval ? 'true' : undefined,
        limit: q.limit,
        cursor: q.cursor,
      },
    });
  }
  command(commandId: string): Promise<CommandDetail> {
    return this.http.request('GET', `/commands/${encodeURIComponent(commandId)}`);
  }
  approve(commandId: string, comment?: string): Promise<Accepted> {
    return this.http.request('POST', `/commands/${encodeURIComponent(commandId)}/approve`, {
      body: comment ? { comment } : {},
    });
  }
  reject(commandId: string, reason: string): Promise<Accepted> {
    return this.http.request('POST', `/commands/${encodeURIComponent(commandId)}/reject`, {
      body: { reason },
    });
  }
  cancel(commandId: string, reason?: string): Promise<Accepted> {
    return this.http.request('POST', `/commands/${encodeURIComponent(commandId)}/cancel`, {
      body: reason ? { reason } : {},
    });
  }

  // Rules and silences
  rules(): Promise<{ rules: Rule[] }> {
    return this.http.request('GET', '/rules');
  }
  createRule(rule: Omit<Rule, 'ruleId'>): Promise<{ ruleId: string }> {
    return this.http.request('POST', '/rules', { body: rule });
  }
  updateRule(ruleId: string, rule: Omit<Rule, 'ruleId'>): Promise<Accepted> {
    return this.http.request('PUT', `/rules/${encodeURIComponent(ruleId)}`, { body: rule });
  }
  deleteRule(ruleId: string): Promise<Accepted> {
    return this.http.request('DELETE', `/rules/${encodeURIComponent(ruleId)}`);
  }
  silences(): Promise<{ silences: Silence[] }> {
    return this.http.request('GET', '/silences');
  }
  createSilence(body: {
    matchers: Silence['matchers'];
    startsAt?: number;
    endsAt?: number;
    durationMinutes?: number;
    reason: string;
  }): Promise<{ silenceId: string }> {
    return this.http.request('POST', '/silences', { body });
  }
  deleteSilence(silenceId: string): Promise<void> {
    return this.http.request('DELETE', `/silences/${encodeURIComponent(silenceId)}`);
  }

  // Audit
  auditEvents(
    q: {
      streamId?: string;
      actor?: string;
      hostId?: string;
      type?: string;
      from?: number;
      to?: number;
    } & Page = {},
  ): Promise<{ events: AuditEvent[]; nextCursor: string | null }> {
    return this.http.request('GET', '/audit/events', { query: { ...q } });
  }
  streamState(streamId: string, at?: number): Promise<StreamState> {
    return this.http.request('GET', `/audit/streams/${encodeURIComponent(streamId)}/state`, {
      query: { at },
    });
  }
  verify(streamId?: string): Promise<VerifyResult> {
    return this.http.request('POST', '/audit/verify', { body: streamId ? { streamId } : {} });
  }
}
