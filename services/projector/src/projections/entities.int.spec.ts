import { MemorySchemaRegistry, RecordCodec } from '@nagare/contracts';
import { createTestDatabase, describeWithServer, type TestDatabase } from '@nagare/testkit';
import { Pool } from 'pg';
import { openReadModels, type ReadModels } from '../read-models';
import { FencedError } from '../runtime/runner';
import { MemorySnapshotStore } from '../snapshots/snapshot-store';
import { atOffsets, domainEvent, hostFacts } from '../testing/fixtures';
import { MemoryUpdatePublisher } from '../updates/publisher';

const facts = hostFacts;

const hostEvents = (hostId: string) => [
  domainEvent('nagare.events.hosts.HostRegistered', hostId, 0, {
    hostId,
    agentId: 'a1',
    hostname: 'db-1',
    labels: { env: 'prod' },
    facts,
  }),
  domainEvent('nagare.events.hosts.HostLabelsChanged', hostId, 1, {
    hostId,
    labels: { env: 'prod', role: 'db' },
    previous: { env: 'prod' },
  }),
  domainEvent('nagare.events.hosts.HostWentOffline', hostId, 2, {
    hostId,
    lastSeenAt: Date.UTC(2026, 10, 22, 9),
    graceMs: 30_000,
  }),
  domainEvent('nagare.events.hosts.HostCameOnline', hostId, 3, {
    hostId,
    offlineSince: Date.UTC(2026, 10, 22, 9),
  }),
  domainEvent('nagare.events.hosts.HostDecommissioned', hostId, 4, { hostId, reason: 'replaced' }),
];

const alertEvents = (alertId: string) => [
  domainEvent('nagare.events.alerts.AlertRaised', alertId, 0, {
    alertId,
    fingerprint: `fp-${alertId}`,
    origin: 'RULE',
    ruleId: 'r1',
    hostId: 'host-1',
    severity: 2,
    title: 'CPU busy',
    startsAt: Date.UTC(2026, 10, 22, 9),
  }),
  domainEvent(
    'nagare.events.alerts.AlertAcknowledged',
    alertId,
    1,
    { alertId, comment: 'mine' },
    { actorId: 'user-7' },
  ),
  domainEvent('nagare.events.alerts.AlertEscalated', alertId, 2, {
    alertId,
    fromSeverity: 2,
    toSeverity: 3,
    reason: 'impact',
  }),
  domainEvent('nagare.events.alerts.AlertNoteAdded', alertId, 3, { alertId, noteId: 'n1', text: 'vacuum' }),
];

const commandEvents = (commandId: string) => [
  domainEvent('nagare.events.commands.CommandRequested', `command-${commandId}`, 0, {
    commandId,
    requestId: 'req-1',
    hostId: 'host-1',
    argv: ['uptime'],
    timeoutMs: 1000,
    outputCapBytes: 1024,
    reason: 'check',
    requiresApproval: true,
    policy: 'p',
  }),
  domainEvent(
    'nagare.events.commands.CommandApproved',
    `command-${commandId}`,
    1,
    { commandId, comment: 'ok' },
    { actorId: 'approver-1' },
  ),
  domainEvent('nagare.events.commands.CommandDispatched', `command-${commandId}`, 2, {
    commandId,
    hostId: 'host-1',
    expiresAt: Date.UTC(2026, 10, 23),
    keyId: 'k1',
    nonce: 'n',
    signature: Buffer.alloc(64, 1),
  }),
  domainEvent('nagare.events.commands.CommandStarted', `command-${commandId}`, 3, {
    commandId,
    pid: 10,
    startedAt: Date.UTC(2026, 10, 22, 9),
  }),
  domainEvent('nagare.events.commands.CommandOutputRecorded', `command-${commandId}`, 4, {
    commandId,
    stream: 'STDOUT',
    seq: 0,
    data: Buffer.from('up 3 days\n'),
  }),
  domainEvent('nagare.events.commands.CommandOutputRecorded', `command-${commandId}`, 5, {
    commandId,
    stream: 'STDERR',
    seq: 1,
    data: Buffer.from([0xff, 0x00, 0x41]),
  }),
  domainEvent('nagare.events.commands.CommandCompleted', `command-${commandId}`, 6, {
    commandId,
    exitCode: 0,
    durationMs: 12,
  }),
];

describeWithServer('postgres', 'entity projections: hosts, alerts, commands, audit', () => {
  let db: TestDatabase;
  let pool: Pool;
  let models: ReadModels;

  beforeAll(async () => {
    db = await createTestDatabase('projector_entities');
    pool = new Pool({ connectionString: db.url, max: 4 });
    models = await openReadModels({ pool, schema: 'read_entities', timescale: 'off' });
  });
  afterAll(async () => {
    await pool.end();
    await db.drop();
  });

  it('projects the host lifecycle and ignores redelivered and older events', async () => {
    const snapshots = new MemorySnapshotStore();
    const codec = new RecordCodec(new MemorySchemaRegistry());
    const publisher = new MemoryUpdatePublisher(codec);
    const runner = models.runner('hosts', { snapshots, publisher });
    const events = hostEvents('host-1');
    // Delivered 0..3, then 1 and 2 again (relay redelivery at new offsets), then 4, then 0 again.
    const delivery = [
      events[0]!,
      events[1]!,
      events[2]!,
      events[3]!,
      events[1]!,
      events[2]!,
      events[4]!,
      events[0]!,
    ];
    const first = await runner.applyChunk(atOffsets('events.hosts', 0, 0, delivery.slice(0, 5)));
    const second = await runner.applyChunk(atOffsets('events.hosts', 0, 5, delivery.slice(5)));
    expect(first.duplicates + second.duplicates).toBe(3);

    const { rows } = await pool.query('SELECT * FROM read_entities.hosts');
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      host_id: 'host-1',
      hostname: 'db-1',
      status: 'decommissioned',
      labels: { env: 'prod', role: 'db' },
      decommission_reason: 'replaced',
      version: '4',
    });
    expect(rows[0].facts.kernel).toBe(facts.kernel);
    expect((await snapshots.hostState('host-1'))?.value.status).toBe('decommissioned');

    const decoded = await Promise.all(
      publisher.records.map((r) => codec.decodeAs(r.value, 'nagare.projections.ProjectionUpdate')),
    );
    expect(decoded.map((d) => d.value.view)).toEqual(['hosts', 'hosts']);
    expect(decoded.map((d) => d.value.version)).toEqual([3, 4]);
    expect(JSON.parse(decoded[1]!.value.delta)).toMatchObject({ status: 'decommissioned' });
  });

  it('projects alert state and a timeline with actors, and keeps active alerts in the snapshot', async () => {
    const snapshots = new MemorySnapshotStore();
    const runner = models.runner('alerts', { snapshots });
    const a = alertEvents('alert-1');
    const b = alertEvents('alert-2');
    const resolved = domainEvent('nagare.events.alerts.AlertResolved', 'alert-2', 4, {
      alertId: 'alert-2',
      resolution: 'AUTO',
      endsAt: Date.UTC(2026, 10, 22, 10),
    });
    await runner.applyChunk(atOffsets('events.alerts', 0, 0, [a[0]!, b[0]!, a[1]!, a[1]!, b[1]!, b[2]!]));
    await runner.applyChunk(atOffsets('events.alerts', 0, 6, [a[2]!, a[3]!, b[3]!, resolved, b[0]!]));

    const { rows } = await pool.query(
      'SELECT alert_id, state, severity, notes_count, acknowledged_by, version FROM read_entities.alerts ORDER BY alert_id',
    );
    expect(rows).toEqual([
      {
        alert_id: 'alert-1',
        state: 'acknowledged',
        severity: 3,
        notes_count: 1,
        acknowledged_by: { kind: 'USER', id: 'user-7', name: 'mira' },
        version: '3',
      },
      {
        alert_id: 'alert-2',
        state: 'resolved',
        severity: 3,
        notes_count: 1,
        acknowledged_by: { kind: 'USER', id: 'user-7', name: 'mira' },
        version: '4',
      },
    ]);
    const timeline = await pool.query(
      `SELECT event_type, actor_id FROM read_entities.alert_timeline WHERE alert_id = 'alert-1' ORDER BY stream_version`,
    );
    expect(timeline.rows.map((r) => r.event_type)).toEqual([
      'AlertRaised',
      'AlertAcknowledged',
      'AlertEscalated',
      'AlertNoteAdded',
    ]);
    expect(timeline.rows[1].actor_id).toBe('user-7');
    expect(await snapshots.activeAlertIds()).toEqual(['alert-1']);
  });

  it('keeps the full command history: approvals, actors and every output byte', async () => {
    const runner = models.runner('commands');
    const events = commandEvents('cmd-1');
    await runner.applyChunk(
      atOffsets('events.commands', 2, 0, [...events.slice(0, 5), events[4]!, ...events.slice(5), events[5]!]),
    );
    const { rows } = await pool.query(`SELECT * FROM read_entities.commands WHERE command_id = 'cmd-1'`);
    expect(rows[0]).toMatchObject({
      status: 'completed',
      exit_code: 0,
      stdout_bytes: '10',
      stderr_bytes: '3',
      output_chunks: 2,
      requested_by: { kind: 'USER', id: 'user-1', name: 'mira' },
      argv: ['uptime'],
    });
    expect(rows[0].approvals).toEqual([
      {
        decision: 'approved',
        actor: { kind: 'USER', id: 'approver-1', name: 'mira' },
        at: expect.any(String),
        comment: 'ok',
      },
    ]);
    const out = await pool.query(
      `SELECT stream, seq, data FROM read_entities.command_output WHERE command_id = 'cmd-1' ORDER BY seq`,
    );
    expect(out.rows.map((r) => [r.stream, Number(r.seq), r.data])).toEqual([
      ['STDOUT', 0, Buffer.from('up 3 days\n')],
      ['STDERR', 1, Buffer.from([0xff, 0x00, 0x41])],
    ]);
    const timeline = await pool.query(
      `SELECT count(*)::int AS n FROM read_entities.command_timeline WHERE command_id = 'cmd-1'`,
    );
    expect(timeline.rows[0].n).toBe(7);
  });

  it('keeps every domain event once in the audit log, queryable by actor, host and stream', async () => {
    const runner = models.runner('audit');
    const hosts = hostEvents('host-9');
    const commands = commandEvents('cmd-9');
    await runner.applyChunk([
      ...atOffsets('events.hosts', 0, 0, hosts),
      ...atOffsets('events.commands', 0, 0, commands),
      ...atOffsets('events.hosts', 0, hosts.length, hosts.slice(0, 2)),
    ]);
    const count = async (where: string) =>
      (await pool.query(`SELECT count(*)::int AS n FROM read_entities.audit_log WHERE ${where}`)).rows[0].n;
    expect(await count('true')).toBe(hosts.length + commands.length);
    expect(await count(`actor_id = 'approver-1'`)).toBe(1);
    expect(await count(`host_id = 'host-9'`)).toBe(hosts.length);
    expect(await count(`stream_id = 'command-cmd-9' AND event_type = 'CommandOutputRecorded'`)).toBe(2);
    const { rows } = await pool.query(
      `SELECT data FROM read_entities.audit_log WHERE event_type = 'CommandDispatched'`,
    );
    expect(Buffer.from(rows[0].data.signature, 'base64')).toEqual(Buffer.alloc(64, 1));
  });

  it('refuses to write when the stored offsets moved underneath the consumer', async () => {
    const runner = models.runner('hosts');
    const events = hostEvents('host-fence');
    await runner.applyChunk(atOffsets('events.hosts', 5, 0, events.slice(0, 2)));
    await expect(
      runner.applyChunk(atOffsets('events.hosts', 5, 7, events.slice(2)), new Map([['events.hosts:5', 7]])),
    ).rejects.toBeInstanceOf(FencedError);
    const { rows } = await pool.query(`SELECT version FROM read_entities.hosts WHERE host_id = 'host-fence'`);
    expect(rows[0].version).toBe('1');
  });

  it('isolates a record PostgreSQL refuses (NUL in a label), dead-letters it and keeps the partition moving', async () => {
    const runner = models.runner('hosts');
    const good = hostEvents('host-poison');
    const bad = domainEvent('nagare.events.hosts.HostLabelsChanged', 'host-nul', 0, {
      hostId: 'host-nul',
      labels: { owner: 'a\u0000b' },
      previous: {},
    });
    const poisoned: number[] = [];
    const result = await runner.applyChunkIsolating(
      atOffsets('events.hosts', 7, 0, [good[0]!, bad, good[1]!]),
      undefined,
      new Map([['events.hosts:7', 2]]),
      async (record, err) => {
        expect(err.message).toMatch(/unicode|\\u0000|escape/i);
        poisoned.push(record.offset);
      },
    );
    expect(poisoned).toEqual([1]);
    expect(result.applied).toBe(2);
    expect(runner.stats.poisoned).toBe(1);
    const { rows } = await pool.query(
      `SELECT host_id, version FROM read_entities.hosts WHERE host_id IN ('host-poison', 'host-nul')`,
    );
    expect(rows).toEqual([{ host_id: 'host-poison', version: '1' }]);
    expect((await runner.storedOffsets()).get('events.hosts:7')).toBe(3);
  });
});
