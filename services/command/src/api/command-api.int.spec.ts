import { cpuRule, t0 } from '../testing/fixtures';
import { type Harness, hostFacts, startHarness } from '../testing/harness';
import { CommandSideViews } from '../views/command-side-views';

/** What the routes answer (success and error shapes together, for terse assertions). */
interface ApiBody {
  error?: string;
  allowed?: boolean;
  streamId: string;
  replayed: boolean;
  events: { type: string; data: Record<string, unknown> }[];
  commands: { commandId: string; requiresApproval: boolean }[];
}

const TOKEN = 'test-internal-token-0123456789';
const as = (id: string, roles: string) => ({
  'x-nagare-internal-token': TOKEN,
  'x-nagare-actor-id': id,
  'x-nagare-actor-name': id,
  'x-nagare-actor-roles': roles,
});

describe('command HTTP API', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness({ http: true });
  });
  afterEach(() => h.close());

  /** POST with JSON; answers { status, body } as the gateway would see them. */
  const post = async (path: string, headers: Record<string, string>, body: unknown = {}) => {
    const res = await fetch(`${h.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as ApiBody };
  };

  async function raiseWebhookAlert(): Promise<string> {
    await h.feed('ingest.webhooks', 'nagare.ingest.WebhookAlert', {
      source: 'GENERIC',
      sourceName: 'ci',
      fingerprint: 'f1',
      status: 'FIRING',
      severity: 1,
      title: 'Deploy failed',
      labels: { service: 'api' },
      annotations: {},
      startsAt: t0,
      receivedAt: t0,
    });
    return [...h.get(CommandSideViews).activeAlerts.values()][0]!.alertId;
  }

  it('refuses calls without the internal token or with unknown roles', async () => {
    const r1 = await post('/commands/alerts/x/acknowledge', { 'x-nagare-actor-id': 'u1' });
    expect(r1.status).toBe(401);
    const r2 = await post('/commands/alerts/x/acknowledge', {
      ...as('u1', 'operator'),
      'x-nagare-internal-token': 'wrong-token-000000000000',
    });
    expect(r2.status).toBe(401);
    const r3 = await post('/commands/alerts/x/acknowledge', as('u1', 'god'));
    expect(r3.body.error).toBe('UNAUTHENTICATED');
  });

  it('acknowledges, notes, escalates and resolves an alert; refuses to acknowledge it once resolved', async () => {
    const alertId = await raiseWebhookAlert();
    const ack = await post(`/commands/alerts/${alertId}/acknowledge`, as('u1', 'operator'), {
      comment: 'mine',
    });
    expect(ack.status).toBe(200);
    expect(ack.body.events).toEqual([{ type: 'AlertAcknowledged', data: { alertId, comment: 'mine' } }]);
    expect(
      (await post(`/commands/alerts/${alertId}/notes`, as('u1', 'operator'), { text: 'looking' })).status,
    ).toBe(200);
    const esc = await post(`/commands/alerts/${alertId}/escalate`, as('u1', 'operator'), {
      toSeverity: 3,
      reason: 'outage',
    });
    expect(esc.body.events[0]!.data).toMatchObject({ fromSeverity: 1, toSeverity: 3 });
    expect(
      (await post(`/commands/alerts/${alertId}/resolve`, as('u1', 'operator'), { reason: 'rolled back' }))
        .status,
    ).toBe(200);
    const again = await post(`/commands/alerts/${alertId}/acknowledge`, as('u2', 'operator'));
    expect(again.status).toBe(409);
    expect(again.body.error).toBe('ALERT_NOT_ACTIVE');
  });

  it('answers the same result for a repeated Idempotency-Key without a second event', async () => {
    const alertId = await raiseWebhookAlert();
    const headers = { ...as('u1', 'operator'), 'idempotency-key': 'note-1' };
    const first = await post(`/commands/alerts/${alertId}/notes`, headers, { text: 'once' });
    const second = await post(`/commands/alerts/${alertId}/notes`, headers, { text: 'once' });
    expect(second.body).toEqual({ ...first.body, replayed: true });
    expect((await h.types('alert')).filter((t) => t === 'AlertNoteAdded')).toHaveLength(1);
  });

  it('validates bodies and ids with clear errors', async () => {
    const alertId = await raiseWebhookAlert();
    const bad = await post(`/commands/alerts/${alertId}/escalate`, as('u1', 'operator'), {
      toSeverity: 'high',
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toBe('INVALID_REQUEST');
    expect((await post('/commands/alerts/not-an-alert/acknowledge', as('u1', 'operator'))).status).toBe(404);
    const control = await post('/commands/commands/a%01b/cancel', as('u1', 'operator'));
    expect([control.status, control.body.error]).toEqual([400, 'INVALID_REQUEST']);
    expect((await post(`/commands/alerts/${alertId}/acknowledge`, as('u1', 'viewer'))).status).toBe(403);
  });

  it('silences an alert for a duration', async () => {
    const alertId = await raiseWebhookAlert();
    const r = await post(`/commands/alerts/${alertId}/silence`, as('u1', 'operator'), {
      durationMs: 3_600_000,
      reason: 'known issue',
    });
    expect(r.status).toBe(200);
    expect(r.body.events[0]).toMatchObject({ type: 'SilenceDefined', data: { endsAt: t0 + 3_600_000 } });
    expect(h.get(CommandSideViews).alertById(alertId)!.silencedUntil).toBe(t0 + 3_600_000);
    await post(`/commands/alerts/${alertId}/resolve`, as('u1', 'operator'));
    const late = await post(`/commands/alerts/${alertId}/silence`, as('u1', 'operator'), {
      durationMs: 60_000,
      reason: 'x',
    });
    expect([late.status, late.body.error]).toEqual([409, 'ALERT_NOT_ACTIVE']);
  });

  it('answers a policy check per host without requesting anything', async () => {
    await h.feed('telemetry.inventory', 'nagare.telemetry.HostFacts', hostFacts('web-1'));
    const r = await post('/commands/commands/policy-check', as('alice', 'operator'), {
      hostIds: ['web-1'],
      argv: ['reboot'],
      reason: 'x',
    });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      allowed: true,
      requiresApproval: true,
      hosts: [{ hostId: 'web-1', allowed: true, policy: 'operators' }],
    });
    expect(await h.types('command')).toEqual([]);
  });

  it('runs the command lifecycle: request, approval by another approver, cancel', async () => {
    await h.feed('telemetry.inventory', 'nagare.telemetry.HostFacts', hostFacts('web-1'));
    const req = await post('/commands/commands', as('alice', 'operator'), {
      hostIds: ['web-1'],
      argv: ['reboot'],
      reason: 'kernel update',
    });
    expect(req.status).toBe(200);
    const { commandId, requiresApproval } = req.body.commands[0]!;
    expect(requiresApproval).toBe(true);
    expect((await post(`/commands/commands/${commandId}/approve`, as('alice', 'approver'))).body.error).toBe(
      'SELF_APPROVAL',
    );
    const ok = await post(`/commands/commands/${commandId}/approve`, as('bob', 'approver'), {
      comment: 'ok',
    });
    expect(ok.status).toBe(200);
    expect(h.sink.on('agent.command-dispatch')).toHaveLength(1);
    const cancel = await post(`/commands/commands/${commandId}/cancel`, as('alice', 'operator'), {
      reason: 'changed my mind',
    });
    expect(cancel.body.events[0]!.type).toBe('CommandCancelled');
    const denied = await post('/commands/commands', as('carol', 'viewer'), {
      hostIds: ['web-1'],
      argv: ['uptime'],
      reason: 'x',
    });
    expect(denied.status).toBe(403);
  });

  it('defines, changes and deletes rules (admin only)', async () => {
    const { ruleId, ...rest } = cpuRule;
    expect((await post('/commands/rules', as('u1', 'operator'), cpuRule)).status).toBe(403);
    expect((await post('/commands/rules', as('u1', 'admin'), cpuRule)).status).toBe(200);
    const changed = await post(`/commands/rules/${ruleId}/change`, as('u1', 'admin'), {
      ...rest,
      threshold: 95,
    });
    expect(changed.body.events[0]).toMatchObject({
      type: 'AlertRuleChanged',
      data: { ruleId, threshold: 95 },
    });
    const invalid = await post('/commands/rules', as('u1', 'admin'), {
      ...cpuRule,
      ruleId: 'r2',
      severity: 7,
    });
    expect(invalid.body.error).toBe('INVALID_SEVERITY');
    expect(
      (await post(`/commands/rules/${ruleId}/delete`, as('u1', 'admin'), { reason: 'old' })).body.events[0]!
        .type,
    ).toBe('AlertRuleDeleted');
  });

  it('defines, changes and expires silences', async () => {
    const body = {
      matchers: [{ label: 'service', op: 'EQ', value: 'api' }],
      durationMs: 60_000,
      reason: 'deploy',
    };
    const defined = await post('/commands/silences', as('u1', 'operator'), body);
    const silenceId = defined.body.streamId.replace('silence-', '');
    const changed = await post(`/commands/silences/${silenceId}/change`, as('u1', 'operator'), {
      ...body,
      durationMs: 120_000,
    });
    expect(changed.body.events[0]).toMatchObject({ type: 'SilenceDefined', data: { endsAt: t0 + 120_000 } });
    expect(await h.types('silence')).toEqual(['SilenceDefined', 'SilenceDefined', 'SilenceExpired']);
    const newId = changed.body.streamId.replace('silence-', '');
    expect(
      (await post(`/commands/silences/${newId}/expire`, as('u1', 'operator'), { reason: 'done' })).status,
    ).toBe(200);
  });

  it('serves /health and /metrics without credentials', async () => {
    const health = await fetch(`${h.url}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'up', checks: { 'command-side': { status: 'up' } } });
    await raiseWebhookAlert();
    const metrics = await (await fetch(`${h.url}/metrics`)).text();
    expect(metrics).toMatch(/nagare_command_ingress_records_total\{[^}]*outcome="handled"[^}]*\} 1/);
    expect(metrics).toMatch(/nagare_command_active_alerts\{[^}]*\} 1/);
  });
});
