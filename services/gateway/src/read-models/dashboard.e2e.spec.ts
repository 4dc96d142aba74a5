import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createTestDatabase, describeWithServer, type TestDatabase } from '@nagare/testkit';
import { Pool } from 'pg';
import { type Harness, startGateway } from '../testing/harness';
import { event, project, sample } from '../testing/read-models';

const MIN = 60_000;

/**
 * The REST read routes over read models built by the projector's own projections, and the
 * write routes' calls to the command service's internal API (a recording HTTP server here:
 * the test checks what the gateway sends and how it maps the answers).
 */
describeWithServer('postgres', 'dashboard REST over the read models', () => {
  let db: TestDatabase;
  let pool: Pool;
  let h: Harness;
  let viewer: string;
  let operator: { id: string; username: string; access: string };
  let auditor: string;
  const now = Date.now();
  const t0 = now - 30 * MIN;
  let commandService: Server;
  const calls: { path: string; headers: IncomingHttpHeaders; body: unknown }[] = [];
  let nextAnswer: { status: number; body: unknown } = { status: 200, body: {} };

  const facts = (hostId: string, hostname: string) => ({
    ...sample('nagare.telemetry.HostFacts'),
    hostId,
    hostname,
  });
  const batch = (hostId: string, seq: number, at: number, idle: number, mem: number) => ({
    name: 'nagare.telemetry.MetricBatch' as const,
    value: {
      hostId,
      agentId: `agent-${hostId}`,
      agentSequence: seq,
      collectedAt: at,
      intervalMs: 60_000,
      samples: [
        { name: 'cpu_usage_percent', labels: { cpu: 'total', mode: 'idle' }, value: idle },
        { name: 'memory_used_percent', labels: {}, value: mem },
        { name: 'disk_used_percent', labels: { mount: '/' }, value: 50 },
      ],
    },
  });

  beforeAll(async () => {
    db = await createTestDatabase('gateway_dash');
    pool = new Pool({ connectionString: db.url, max: 3 });
    const hosts = [
      ['h-db', 'db-eu-1', { env: 'prod', role: 'db' }],
      ['h-web', 'web-eu-1', { env: 'prod', role: 'web' }],
      ['h-dev', 'dev-box', { env: 'dev' }],
    ] as const;
    await project(pool, {
      'events.hosts': [
        ...hosts.map(([id, name, labels], i) =>
          event(
            'nagare.events.hosts.HostRegistered',
            `host-${id}`,
            0,
            { hostId: id, agentId: `agent-${id}`, hostname: name, labels, facts: facts(id, name) },
            t0 + i,
          ),
        ),
        event(
          'nagare.events.hosts.HostWentOffline',
          'host-h-dev',
          1,
          { hostId: 'h-dev', lastSeenAt: t0 + 5 * MIN, graceMs: 90_000 },
          t0 + 6 * MIN,
        ),
      ],
      'telemetry.metrics': [
        ...[0, 1, 2, 3].map((k) => batch('h-db', k + 1, now - (10 - k) * MIN, 10 + k, 70)),
        batch('h-web', 1, now - 5 * MIN, 80, 30),
      ],
      'events.alerts': [
        event(
          'nagare.events.alerts.AlertRaised',
          'alert-k1',
          0,
          {
            ...sample('nagare.events.alerts.AlertRaised'),
            alertId: 'k1.1',
            hostId: 'h-db',
            severity: 2,
            startsAt: t0 + 10 * MIN,
          },
          t0 + 10 * MIN,
          { kind: 'SYSTEM', id: 'command-service', name: 'rules' },
        ),
        event(
          'nagare.events.alerts.AlertAcknowledged',
          'alert-k1',
          1,
          { alertId: 'k1.1', comment: 'looking' },
          t0 + 11 * MIN,
        ),
        event(
          'nagare.events.alerts.AlertRaised',
          'alert-k2',
          0,
          {
            ...sample('nagare.events.alerts.AlertRaised'),
            alertId: 'k2.1',
            fingerprint: 'fp2',
            hostId: 'h-web',
            severity: 3,
            title: 'Disk full',
            startsAt: t0 + 12 * MIN,
          },
          t0 + 12 * MIN,
        ),
      ],
      'events.commands': [
        event(
          'nagare.events.commands.CommandRequested',
          'command-c1',
          0,
          {
            ...sample('nagare.events.commands.CommandRequested'),
            commandId: 'c1',
            hostId: 'h-db',
            requiresApproval: true,
          },
          t0 + 13 * MIN,
          { id: 'op-1', name: 'olga' },
        ),
        event(
          'nagare.events.commands.CommandRequested',
          'command-c2',
          0,
          {
            ...sample('nagare.events.commands.CommandRequested'),
            commandId: 'c2',
            hostId: 'h-web',
            argv: ['uptime'],
            requiresApproval: false,
          },
          t0 + 14 * MIN,
          { id: 'op-1', name: 'olga' },
        ),
        event(
          'nagare.events.commands.CommandDispatched',
          'command-c2',
          1,
          { ...sample('nagare.events.commands.CommandDispatched'), commandId: 'c2', hostId: 'h-web' },
          t0 + 14 * MIN + 100,
        ),
        event(
          'nagare.events.commands.CommandOutputRecorded',
          'command-c2',
          2,
          { commandId: 'c2', stream: 'STDOUT', seq: 0, data: Buffer.from('up 3 days\n') },
          t0 + 14 * MIN + 200,
        ),
        event(
          'nagare.events.commands.CommandOutputRecorded',
          'command-c2',
          3,
          { commandId: 'c2', stream: 'STDERR', seq: 1, data: Buffer.from([0x77, 0xff, 0x0a]) },
          t0 + 14 * MIN + 300,
        ),
        event(
          'nagare.events.commands.CommandCompleted',
          'command-c2',
          4,
          { commandId: 'c2', exitCode: 0, durationMs: 250, truncated: false },
          t0 + 14 * MIN + 400,
        ),
      ],
      'events.rules': [
        event(
          'nagare.events.rules.AlertRuleDefined',
          'rule-r1',
          0,
          { ...sample('nagare.events.rules.AlertRuleDefined'), ruleId: 'r1' },
          t0,
        ),
        event(
          'nagare.events.rules.AlertRuleChanged',
          'rule-r1',
          1,
          { ...sample('nagare.events.rules.AlertRuleChanged'), ruleId: 'r1', threshold: 95 },
          t0 + MIN,
        ),
        event(
          'nagare.events.rules.AlertRuleDefined',
          'rule-r2',
          0,
          { ...sample('nagare.events.rules.AlertRuleDefined'), ruleId: 'r2', name: 'gone' },
          t0,
        ),
        event('nagare.events.rules.AlertRuleDeleted', 'rule-r2', 1, { ruleId: 'r2', reason: null }, t0 + MIN),
        event(
          'nagare.events.rules.SilenceDefined',
          'silence-s1',
          0,
          {
            silenceId: 's1',
            matchers: [{ label: 'host', op: 'EQ', value: 'db-eu-1' }],
            startsAt: now - MIN,
            endsAt: now + 60 * MIN,
            reason: 'maintenance',
          },
          now - MIN,
          { id: 'op-1', name: 'olga' },
        ),
        event(
          'nagare.events.rules.SilenceSuppressed',
          'silence-s1',
          1,
          { silenceId: 's1', alertId: 'k1.1', fingerprint: 'fp' },
          now - MIN + 1,
        ),
      ],
      'events.assets': [
        event(
          'nagare.events.assets.AssetPlaced',
          'asset-rack-a1',
          0,
          { ...sample('nagare.events.assets.AssetPlaced') },
          t0,
        ),
      ],
    });

    commandService = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        calls.push({ path: req.url ?? '', headers: req.headers, body: JSON.parse(body || '{}') });
        res
          .writeHead(nextAnswer.status, { 'content-type': 'application/json' })
          .end(JSON.stringify(nextAnswer.body));
      });
    });
    await new Promise<void>((r) => commandService.listen(0, '127.0.0.1', r));
    const port = (commandService.address() as AddressInfo).port;
    h = await startGateway(
      {
        COMMAND_SERVICE_URL: `http://127.0.0.1:${port}`,
        COMMAND_INTERNAL_TOKEN: 'internal-token-0123456789',
        LOGIN_LIMIT_PER_IP: '1000',
      },
      { db },
    );
    viewer = (await h.userWithRole('viewer')).access;
    operator = await h.userWithRole('operator');
    auditor = (await h.userWithRole('auditor')).access;
  }, 60_000);

  afterAll(async () => {
    await h?.close();
    await pool?.end();
    await db?.drop();
    await new Promise((r) => commandService?.close(r));
  });

  it('lists hosts with latest metrics, sparkline-free without Redis, and active alerts; filters and sorts', async () => {
    const all = await h.request('GET', '/api/v1/hosts', { token: viewer });
    expect(all.status).toBe(200);
    expect(all.body.hosts.map((x: { hostname: string }) => x.hostname)).toEqual([
      'db-eu-1',
      'dev-box',
      'web-eu-1',
    ]);
    const db1 = all.body.hosts[0];
    expect(db1).toMatchObject({
      hostId: 'h-db',
      status: 'online',
      labels: { env: 'prod', role: 'db' },
      latest: { cpuPercent: 87, memoryUsedPercent: 70, diskUsedPercent: 50 },
      activeAlerts: { count: 1, maxSeverity: 2 },
      spark: { t: [], cpu: [] },
    });
    expect(typeof db1.os).toBe('string');
    const byLabel = await h.request('GET', '/api/v1/hosts?label=env=prod&label=role=web', { token: viewer });
    expect(byLabel.body.hosts.map((x: { hostId: string }) => x.hostId)).toEqual(['h-web']);
    const offline = await h.request('GET', '/api/v1/hosts?status=offline', { token: viewer });
    expect(offline.body.hosts.map((x: { hostId: string }) => x.hostId)).toEqual(['h-dev']);
    const search = await h.request('GET', '/api/v1/hosts?q=web', { token: viewer });
    expect(search.body.hosts.map((x: { hostId: string }) => x.hostId)).toEqual(['h-web']);
    const byCpu = await h.request('GET', '/api/v1/hosts?sort=cpu&order=desc', { token: viewer });
    expect(byCpu.body.hosts.map((x: { hostId: string }) => x.hostId)).toEqual(['h-db', 'h-web', 'h-dev']);
    const page1 = await h.request('GET', '/api/v1/hosts?limit=2', { token: viewer });
    expect(page1.body.hosts).toHaveLength(2);
    const page2 = await h.request('GET', `/api/v1/hosts?limit=2&cursor=${page1.body.nextCursor}`, {
      token: viewer,
    });
    expect(page2.body).toMatchObject({ hosts: [{ hostId: 'h-web' }], nextCursor: null });
    const bad = await h.request('GET', '/api/v1/hosts?sort=nope&cursor=zz', { token: viewer });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('validation_failed');
  });

  it('answers one host with facts, and the overview', async () => {
    const one = await h.request('GET', '/api/v1/hosts/h-db', { token: viewer });
    expect(one.status).toBe(200);
    expect(one.body.host).toMatchObject({
      hostId: 'h-db',
      facts: { hostname: 'db-eu-1' },
      processes: [],
      containers: [],
    });
    expect((await h.request('GET', '/api/v1/hosts/nope', { token: viewer })).status).toBe(404);
    const overview = await h.request('GET', '/api/v1/overview', { token: viewer });
    expect(overview.body).toMatchObject({
      hosts: { total: 3, online: 2, offline: 1, decommissioned: 0 },
      alertsBySeverity: { '0': 0, '1': 0, '2': 1, '3': 1 },
    });
    expect(overview.body.topHosts.cpu.map((x: { hostId: string }) => x.hostId)).toEqual(['h-db', 'h-web']);
    expect(overview.body.recentCommands.map((c: { commandId: string }) => c.commandId)).toEqual(['c2', 'c1']);
  });

  it('serves metric series as columns, raw and 1m, and metric names', async () => {
    const from = now - 20 * MIN;
    const raw = await h.request(
      'GET',
      `/api/v1/metrics/series?hostId=h-db&name=cpu_usage_percent&label=mode=idle&from=${from}&to=${now}`,
      { token: viewer },
    );
    expect(raw.status).toBe(200);
    expect(raw.body).toMatchObject({ tier: 'raw', stepMs: 0 });
    expect(raw.body.series).toHaveLength(1);
    expect(raw.body.series[0].v).toEqual([10, 11, 12, 13]);
    expect(raw.body.series[0].t).toEqual([10, 9, 8, 7].map((k) => now - k * MIN));
    const stepped = await h.request(
      'GET',
      `/api/v1/metrics/series?hostId=h-db&name=memory_used_percent&from=${from}&to=${now}&step=3600000`,
      { token: viewer },
    );
    expect(stepped.body.series[0].v.every((v: number) => v === 70)).toBe(true);
    expect(stepped.body.series[0].min).toBeDefined();
    const week = await h.request(
      'GET',
      `/api/v1/metrics/series?hostId=h-db&name=memory_used_percent&from=${now - 3 * 86_400_000}&to=${now}`,
      { token: viewer },
    );
    expect(week.body).toMatchObject({ tier: '1m', stepMs: 60_000 });
    const names = await h.request('GET', '/api/v1/metrics/names?hostId=h-db', { token: viewer });
    expect(names.body.names.map((n: { name: string }) => n.name)).toEqual([
      'cpu_usage_percent',
      'disk_used_percent',
      'memory_used_percent',
    ]);
  });

  it('lists alerts by state and answers one with its timeline', async () => {
    const active = await h.request('GET', '/api/v1/alerts?state=active', { token: viewer });
    expect(active.body.alerts.map((a: { alertId: string }) => a.alertId)).toEqual(['k2.1']);
    const resolved = await h.request('GET', '/api/v1/alerts?state=resolved', { token: viewer });
    expect(resolved.status).toBe(200);
    const all = await h.request('GET', '/api/v1/alerts', { token: viewer });
    expect(all.status).toBe(200);
    expect(all.body.alerts.map((a: { alertId: string }) => a.alertId).sort()).toEqual(['k1.1', 'k2.1']);
    const acked = await h.request('GET', '/api/v1/alerts?state=acknowledged&minSeverity=2', {
      token: viewer,
    });
    expect(acked.body.alerts[0]).toMatchObject({
      alertId: 'k1.1',
      state: 'acknowledged',
      hostname: 'db-eu-1',
      acknowledgedBy: { id: 'user-1', name: 'mira' },
    });
    const one = await h.request('GET', '/api/v1/alerts/k1.1', { token: viewer });
    expect(one.body.timeline.map((e: { eventType: string }) => e.eventType)).toEqual([
      'AlertRaised',
      'AlertAcknowledged',
    ]);
    expect(one.body.timeline[1].actor).toEqual({ kind: 'USER', id: 'user-1', name: 'mira' });
  });

  it('lists commands and shows one with output (lossy UTF-8) to operators, not viewers', async () => {
    const waiting = await h.request('GET', '/api/v1/commands?awaitingApproval=true', { token: viewer });
    expect(
      waiting.body.commands.map((c: { commandId: string; state: string }) => [c.commandId, c.state]),
    ).toEqual([['c1', 'awaiting_approval']]);
    const byUser = await h.request('GET', '/api/v1/commands?requestedBy=olga&state=completed', {
      token: viewer,
    });
    expect(byUser.body.commands.map((c: { commandId: string }) => c.commandId)).toEqual(['c2']);
    expect((await h.request('GET', '/api/v1/commands/c2', { token: viewer })).status).toBe(403);
    const one = await h.request('GET', '/api/v1/commands/c2', { token: operator.access });
    expect(one.body.command).toMatchObject({
      commandId: 'c2',
      state: 'completed',
      exitCode: 0,
      hostname: 'web-eu-1',
      requestedBy: { id: 'op-1', name: 'olga' },
    });
    expect(one.body.output).toEqual([
      { seq: 0, stream: 'STDOUT', text: 'up 3 days\n', at: expect.any(Number) },
      { seq: 1, stream: 'STDERR', text: 'w\uFFFD\n', at: expect.any(Number) },
    ]);
  });

  it('folds rules, silences and assets from the audit log', async () => {
    const rules = await h.request('GET', '/api/v1/rules', { token: viewer });
    expect(rules.body.rules).toHaveLength(1);
    expect(rules.body.rules[0]).toMatchObject({ ruleId: 'r1', threshold: 95 });
    const silences = await h.request('GET', '/api/v1/silences', { token: viewer });
    expect(silences.body.silences).toEqual([
      expect.objectContaining({
        silenceId: 's1',
        active: true,
        suppressedCount: 1,
        reason: 'maintenance',
        createdBy: { kind: 'USER', id: 'op-1', name: 'olga' },
      }),
    ]);
    const assets = await h.request('GET', '/api/v1/assets', { token: viewer });
    expect(assets.body.assets[0]).toMatchObject({ assetId: 'rack-a1', kind: 'RACK' });
  });

  it('audit: events by filter and the state of a stream at a time', async () => {
    const byStream = await h.request('GET', '/api/v1/audit/events?streamId=host-h-dev', { token: auditor });
    expect(byStream.body.events.map((e: { type: string }) => e.type)).toEqual([
      'HostRegistered',
      'HostWentOffline',
    ]);
    const byActor = await h.request('GET', '/api/v1/audit/events?actor=olga&type=CommandRequested', {
      token: auditor,
    });
    expect(byActor.body.events).toHaveLength(2);
    const before = await h.request('GET', `/api/v1/audit/streams/host-h-dev/state?at=${t0 + 3 * MIN}`, {
      token: auditor,
    });
    expect(before.body).toMatchObject({
      streamId: 'host-h-dev',
      version: 0,
      state: { status: 'online', hostname: 'dev-box' },
    });
    const after = await h.request('GET', `/api/v1/audit/streams/host-h-dev/state?at=${now}`, {
      token: auditor,
    });
    expect(after.body).toMatchObject({ version: 1, state: { status: 'offline' } });
    const rule = await h.request('GET', `/api/v1/audit/streams/rule-r2/state?at=${now}`, { token: auditor });
    expect(rule.body.state).toMatchObject({ ruleId: 'r2', deleted: true });
    expect((await h.request('GET', '/api/v1/audit/events', { token: viewer })).status).toBe(403);
  });

  it('passes writes to the command service as the caller, with the Idempotency-Key, and maps its refusals', async () => {
    nextAnswer = { status: 200, body: { streamId: 'alert-k1', version: 2, replayed: false, events: [] } };
    const ack = await h.request('POST', '/api/v1/alerts/k1.1/acknowledge', {
      token: operator.access,
      body: { comment: 'on it' },
      headers: { 'idempotency-key': 'ack-1' },
    });
    expect(ack).toMatchObject({ status: 202, body: { alertId: 'k1.1', version: 2 } });
    const call = calls[calls.length - 1]!;
    expect(call.path).toBe('/commands/alerts/k1.1/acknowledge');
    expect(call.body).toEqual({ comment: 'on it' });
    expect(call.headers).toMatchObject({
      'x-nagare-internal-token': 'internal-token-0123456789',
      'x-nagare-actor-id': operator.id,
      'x-nagare-actor-name': operator.username,
      'x-nagare-actor-kind': 'USER',
      'x-nagare-actor-roles': 'operator',
      'idempotency-key': 'ack-1',
    });

    nextAnswer = {
      status: 200,
      body: {
        requestId: 'req-9',
        commands: [{ commandId: 'c9', hostId: 'h-db', policy: 'operators', requiresApproval: true }],
      },
    };
    const req = await h.request('POST', '/api/v1/commands', {
      token: operator.access,
      body: { hostId: 'h-db', argv: ['rm', '-rf', '/tmp/x'], reason: 'cleanup', timeoutSeconds: 30 },
    });
    expect(req).toMatchObject({
      status: 202,
      body: {
        requestId: 'req-9',
        commands: [{ commandId: 'c9', state: 'awaiting_approval', requiresApproval: true }],
      },
    });
    expect(calls[calls.length - 1]!.body).toEqual({
      hostIds: ['h-db'],
      argv: ['rm', '-rf', '/tmp/x'],
      shell: false,
      cwd: null,
      timeoutMs: 30_000,
      reason: 'cleanup',
    });

    nextAnswer = { status: 403, body: { error: 'SELF_APPROVAL', message: 'the requester cannot approve' } };
    const approver = await h.userWithRole('approver');
    const self = await h.request('POST', '/api/v1/commands/c9/approve', { token: approver.access, body: {} });
    expect(self).toMatchObject({
      status: 403,
      body: { error: { code: 'self_approval', message: 'the requester cannot approve' } },
    });

    const invalid = await h.request('POST', '/api/v1/alerts/k1.1/escalate', {
      token: operator.access,
      body: { severity: 9 },
    });
    expect(invalid.status).toBe(400);
    expect(invalid.body.error.code).toBe('validation_failed');
  });
});
