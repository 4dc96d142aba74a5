import type { RecordInput, RecordName } from '../records';

/**
 * Realistic samples of every record, as producers build them (defaults may be left out).
 * Used by the contract tests and by other packages' tests as ready-made fixtures.
 */
const t0 = Date.UTC(2026, 10, 22, 9, 30, 0);
const hostId = 'host-0192f0a4-7c1e-7b3a-9d2e-5f6a7b8c9d0e';
const agentId = 'agent-0192f0a4-7c1e-7b3a-9d2e-aaaaaaaaaaaa';

const meta = (streamId: string, eventType: string, streamVersion = 0) => ({
  eventId: `0192f0a4-7c1e-7b3a-9d2e-${String(streamVersion).padStart(12, '0')}`,
  eventType,
  schemaVersion: 1,
  streamId,
  streamVersion,
  globalPosition: 1000 + streamVersion,
  occurredAt: t0,
  recordedAt: t0 + 3,
  correlationId: 'req-7f3c',
  causationId: null,
  actor: { kind: 'USER' as const, id: 'user-42', name: 'mira' },
});

export const hostFacts: RecordInput<'nagare.telemetry.HostFacts'> = {
  hostId,
  agentId,
  agentSequence: 1,
  collectedAt: t0,
  hostname: 'db-eu-1',
  os: { name: 'Debian GNU/Linux', version: '12', id: 'debian' },
  kernel: '6.1.0-18-amd64',
  arch: 'x86_64',
  cpu: { model: 'AMD EPYC 7B13', cores: 8, threads: 16, mhz: 2450 },
  memoryBytes: 68_719_476_736,
  swapBytes: 4_294_967_296,
  bootTime: t0 - 86_400_000,
  disks: [
    { device: 'nvme0n1', model: 'Samsung SSD 980 PRO 1TB', sizeBytes: 1_000_204_886_016, rotational: false },
  ],
  filesystems: [{ mount: '/', device: '/dev/nvme0n1p2', fsType: 'ext4', sizeBytes: 983_349_346_304 }],
  nics: [
    {
      name: 'eth0',
      mac: '52:54:00:12:34:56',
      speedMbps: 10_000,
      duplex: 'FULL',
      mtu: 1500,
      addresses: ['10.0.4.17/24', 'fe80::5054:ff:fe12:3456/64'],
    },
    { name: 'lo', mac: null, speedMbps: null, duplex: 'UNKNOWN', mtu: 65536, addresses: ['127.0.0.1/8'] },
  ],
  gpus: [
    { index: 0, name: 'NVIDIA L4', uuid: 'GPU-5b2f…', memoryBytes: 24_152_899_584, driver: '550.54.15' },
  ],
  agentVersion: '0.1.0',
};

const ruleDefinition = {
  ruleId: 'rule-cpu-high',
  name: 'CPU busy',
  description: 'Total CPU above 90% for 2 minutes',
  metric: 'cpu_usage_percent',
  matchers: [{ label: 'cpu', op: 'EQ' as const, value: 'total' }],
  hostSelector: { env: 'prod' },
  comparator: 'GT' as const,
  threshold: 90,
  resolveThreshold: 80,
  forMs: 120_000,
  severity: 2,
  autoResolve: true,
  flapWindowMs: 600_000,
  flapMaxTransitions: 4,
  enabled: true,
};

const dispatch = {
  commandId: 'cmd-01',
  hostId,
  argv: ['systemctl', 'restart', 'nginx'],
  shell: false,
  cwd: null,
  env: { LANG: 'C.UTF-8' },
  timeoutMs: 60_000,
  outputCapBytes: 1 << 20,
  issuedAt: t0,
  expiresAt: t0 + 300_000,
  nonce: 'n-3f9a1c',
  keyId: 'k1',
  signature: Buffer.alloc(64, 7),
};
const metricBatch: RecordInput<'nagare.telemetry.MetricBatch'> = {
  hostId,
  agentId,
  agentSequence: 17,
  collectedAt: t0,
  intervalMs: 5000,
  samples: [
    { name: 'cpu_usage_percent', labels: { cpu: 'total', mode: 'user' }, value: 42.5 },
    { name: 'memory_available_bytes', labels: {}, value: 12_884_901_888 },
    { name: 'net_rx_bytes_per_second', labels: { interface: 'eth0' }, value: 1_250_000.75 },
  ],
};
const started = { commandId: 'cmd-01', hostId, agentId, agentSequence: 18, pid: 4242, startedAt: t0 + 10 };
const chunk = {
  commandId: 'cmd-01',
  hostId,
  agentId,
  agentSequence: 19,
  stream: 'STDOUT' as const,
  seq: 0,
  data: Buffer.from('restarting nginx\n'),
  at: t0 + 20,
};
const finished = {
  commandId: 'cmd-01',
  hostId,
  agentId,
  agentSequence: 20,
  status: 'COMPLETED' as const,
  exitCode: 0,
  signal: null,
  durationMs: 812,
  truncated: false,
  reason: null,
  finishedAt: t0 + 822,
};
const cancel = {
  commandId: 'cmd-01',
  hostId,
  issuedAt: t0 + 100,
  expiresAt: t0 + 60_100,
  nonce: 'n-77',
  keyId: 'k1',
  signature: Buffer.alloc(64, 9),
};

export const samples: { [N in RecordName]: RecordInput<N>[] } = {
  'nagare.events.Actor': [{ kind: 'SYSTEM', id: 'command-service', name: null }],
  'nagare.events.EventMetadata': [meta('host-1', 'HostRegistered')],
  'nagare.rules.LabelMatcher': [{ label: 'host', op: 'RE', value: 'db-.*' }],
  'nagare.telemetry.MetricBatch': [metricBatch, { ...metricBatch, samples: [], agentSequence: 0 }],
  'nagare.telemetry.HostFacts': [hostFacts],
  'nagare.ingest.WebhookAlert': [
    {
      source: 'ALERTMANAGER',
      sourceName: 'prom-eu',
      fingerprint: 'c1a9f3b2e4d5a6b7',
      status: 'FIRING',
      severity: 2,
      title: 'HighErrorRate on api',
      description: '5xx above 5% for 10m',
      hostId: null,
      labels: { alertname: 'HighErrorRate', service: 'api', severity: 'critical' },
      annotations: { summary: 'HighErrorRate on api', runbook_url: 'https://runbooks.example/api-5xx' },
      startsAt: t0 - 600_000,
      endsAt: null,
      generatorUrl: 'http://prometheus:9090/graph?g0.expr=...',
      receivedAt: t0,
    },
  ],
  'nagare.command.CommandDispatch': [dispatch],
  'nagare.command.CommandCancel': [cancel],
  'nagare.command.CommandStarted': [started],
  'nagare.command.CommandOutputChunk': [
    chunk,
    { ...chunk, stream: 'STDERR', seq: 1, data: Buffer.from([0xff, 0]) },
  ],
  'nagare.command.CommandFinished': [
    finished,
    {
      ...finished,
      status: 'TIMED_OUT',
      exitCode: null,
      signal: 'SIGKILL',
      truncated: true,
      reason: 'timeout 60s',
    },
  ],
  'nagare.agent.AgentFrame': [
    { body: { 'nagare.agent.Hello': { agentVersion: '0.1.0', lastSequence: 17, spoolDropped: 0 } } },
    { body: { 'nagare.telemetry.MetricBatch': metricBatch } },
    { body: { 'nagare.command.CommandOutputChunk': chunk } },
    { body: { 'nagare.agent.Pong': { at: t0 } } },
  ],
  'nagare.agent.ServerFrame': [
    {
      body: {
        'nagare.agent.Welcome': {
          agentId,
          hostId,
          lastAckedSequence: 16,
          serverTime: t0,
          heartbeatMs: 15_000,
          signingPublicKey: '-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEA…\n-----END PUBLIC KEY-----\n',
        },
      },
    },
    { body: { 'nagare.agent.Ack': { sequence: 17, status: 'ACCEPTED', reason: null } } },
    {
      body: { 'nagare.agent.Ack': { sequence: 3, status: 'REJECTED', reason: 'collectedAt is 2 days old' } },
    },
    { body: { 'nagare.command.CommandDispatch': dispatch } },
    { body: { 'nagare.command.CommandCancel': cancel } },
    { body: { 'nagare.agent.ProtocolError': { code: 'UNAUTHENTICATED', message: 'unknown credential' } } },
  ],
  'nagare.events.hosts.HostRegistered': [
    {
      meta: meta(hostId, 'HostRegistered'),
      hostId,
      agentId,
      hostname: 'db-eu-1',
      labels: { env: 'prod', role: 'db' },
      facts: hostFacts,
    },
  ],
  'nagare.events.hosts.HostFactsUpdated': [
    { meta: meta(hostId, 'HostFactsUpdated', 1), hostId, facts: hostFacts, changed: ['kernel'] },
  ],
  'nagare.events.hosts.HostLabelsChanged': [
    {
      meta: meta(hostId, 'HostLabelsChanged', 2),
      hostId,
      labels: { env: 'prod' },
      previous: { env: 'staging' },
    },
  ],
  'nagare.events.hosts.HostWentOffline': [
    { meta: meta(hostId, 'HostWentOffline', 3), hostId, lastSeenAt: t0, graceMs: 30_000 },
  ],
  'nagare.events.hosts.HostCameOnline': [
    { meta: meta(hostId, 'HostCameOnline', 4), hostId, offlineSince: t0 + 30_000 },
  ],
  'nagare.events.hosts.HostDecommissioned': [
    { meta: meta(hostId, 'HostDecommissioned', 5), hostId, reason: 'replaced by db-eu-2' },
  ],
  'nagare.events.alerts.AlertRaised': [
    {
      meta: meta('alert-1', 'AlertRaised'),
      alertId: 'alert-1',
      fingerprint: 'rule-cpu-high|host-1',
      origin: 'RULE',
      ruleId: 'rule-cpu-high',
      sourceName: null,
      hostId,
      severity: 2,
      title: 'CPU busy on db-eu-1',
      description: 'cpu_usage_percent{cpu="total"} = 97.1 > 90 for 2m',
      labels: { cpu: 'total' },
      annotations: {},
      value: 97.1,
      threshold: 90,
      startsAt: t0,
    },
  ],
  'nagare.events.alerts.AlertAcknowledged': [
    { meta: meta('alert-1', 'AlertAcknowledged', 1), alertId: 'alert-1', comment: 'looking' },
  ],
  'nagare.events.alerts.AlertEscalated': [
    {
      meta: meta('alert-1', 'AlertEscalated', 2),
      alertId: 'alert-1',
      fromSeverity: 2,
      toSeverity: 3,
      reason: 'customer impact',
    },
  ],
  'nagare.events.alerts.AlertSilenced': [
    {
      meta: meta('alert-1', 'AlertSilenced', 3),
      alertId: 'alert-1',
      silenceId: 'sil-1',
      until: t0 + 3_600_000,
    },
  ],
  'nagare.events.alerts.AlertNoteAdded': [
    {
      meta: meta('alert-1', 'AlertNoteAdded', 4),
      alertId: 'alert-1',
      noteId: 'note-1',
      text: 'Vacuum running.',
    },
  ],
  'nagare.events.alerts.AlertDiagnosed': [
    {
      meta: meta('alert-1', 'AlertDiagnosed', 5),
      alertId: 'alert-1',
      summary: 'autovacuum on a large table saturates CPU',
      likelyCauses: ['autovacuum', 'missing index'],
      suggestedActions: ['check pg_stat_activity'],
      engine: 'retrieval',
      sources: ['alert-0192'],
    },
  ],
  'nagare.events.alerts.AlertResolved': [
    {
      meta: meta('alert-1', 'AlertResolved', 6),
      alertId: 'alert-1',
      resolution: 'AUTO',
      reason: null,
      value: 41,
      endsAt: t0 + 900_000,
    },
  ],
  'nagare.events.commands.CommandRequested': [
    {
      meta: meta('command-cmd-01', 'CommandRequested'),
      commandId: 'cmd-01',
      requestId: 'req-01',
      hostId,
      argv: ['systemctl', 'restart', 'nginx'],
      shell: false,
      cwd: null,
      env: {},
      timeoutMs: 60_000,
      outputCapBytes: 1 << 20,
      reason: 'stuck workers',
      requiresApproval: true,
      policy: 'service-restart-needs-approval',
    },
  ],
  'nagare.events.commands.CommandApproved': [
    { meta: meta('command-cmd-01', 'CommandApproved', 1), commandId: 'cmd-01', comment: null },
  ],
  'nagare.events.commands.CommandRejected': [
    { meta: meta('command-cmd-02', 'CommandRejected', 1), commandId: 'cmd-02', reason: 'not during peak' },
  ],
  'nagare.events.commands.CommandDispatched': [
    {
      meta: meta('command-cmd-01', 'CommandDispatched', 2),
      commandId: 'cmd-01',
      hostId,
      expiresAt: t0 + 300_000,
      keyId: 'k1',
      nonce: 'n-3f9a1c',
      signature: Buffer.alloc(64, 7),
    },
  ],
  'nagare.events.commands.CommandStarted': [
    { meta: meta('command-cmd-01', 'CommandStarted', 3), commandId: 'cmd-01', pid: 4242, startedAt: t0 + 10 },
  ],
  'nagare.events.commands.CommandOutputRecorded': [
    {
      meta: meta('command-cmd-01', 'CommandOutputRecorded', 4),
      commandId: 'cmd-01',
      stream: 'STDOUT',
      seq: 0,
      data: Buffer.from('ok\n'),
    },
  ],
  'nagare.events.commands.CommandCompleted': [
    {
      meta: meta('command-cmd-01', 'CommandCompleted', 5),
      commandId: 'cmd-01',
      exitCode: 0,
      durationMs: 812,
      truncated: false,
    },
  ],
  'nagare.events.commands.CommandFailed': [
    {
      meta: meta('command-cmd-03', 'CommandFailed', 3),
      commandId: 'cmd-03',
      exitCode: 1,
      signal: null,
      durationMs: 40,
      reason: 'exit code 1',
    },
  ],
  'nagare.events.commands.CommandTimedOut': [
    { meta: meta('command-cmd-04', 'CommandTimedOut', 3), commandId: 'cmd-04', timeoutMs: 60_000 },
  ],
  'nagare.events.commands.CommandCancelled': [
    { meta: meta('command-cmd-05', 'CommandCancelled', 3), commandId: 'cmd-05', reason: 'wrong host' },
  ],
  'nagare.events.rules.AlertRuleDefined': [
    { meta: meta('rule-cpu-high', 'AlertRuleDefined'), ...ruleDefinition },
  ],
  'nagare.events.rules.AlertRuleChanged': [
    { meta: meta('rule-cpu-high', 'AlertRuleChanged', 1), ...ruleDefinition, threshold: 95 },
  ],
  'nagare.events.rules.AlertRuleDeleted': [
    { meta: meta('rule-cpu-high', 'AlertRuleDeleted', 2), ruleId: 'rule-cpu-high', reason: null },
  ],
  'nagare.events.rules.SilenceDefined': [
    {
      meta: meta('silence-sil-1', 'SilenceDefined'),
      silenceId: 'sil-1',
      matchers: [{ label: 'host', op: 'EQ', value: 'db-eu-1' }],
      startsAt: t0,
      endsAt: t0 + 3_600_000,
      reason: 'maintenance window',
    },
  ],
  'nagare.events.rules.SilenceSuppressed': [
    {
      meta: meta('silence-sil-1', 'SilenceSuppressed', 1),
      silenceId: 'sil-1',
      alertId: 'alert-1',
      fingerprint: 'rule-cpu-high|host-1',
    },
  ],
  'nagare.events.rules.SilenceExpired': [
    { meta: meta('silence-sil-1', 'SilenceExpired', 2), silenceId: 'sil-1', reason: null },
  ],
  'nagare.events.assets.AssetPlaced': [
    {
      meta: meta('asset-rack-a1', 'AssetPlaced'),
      assetId: 'rack-a1',
      kind: 'RACK',
      name: 'A1',
      parentId: 'room-fra-2',
      position: 'row A, slot 1',
      hostId: null,
      endpoints: [],
      capacityBps: null,
      attributes: { vendor: 'APC' },
    },
    {
      meta: meta('asset-link-1', 'AssetPlaced'),
      assetId: 'link-1',
      kind: 'LINK',
      name: 'db-eu-1 ↔ tor-a1',
      parentId: null,
      position: null,
      hostId: null,
      endpoints: ['srv-db-eu-1:eth0', 'tor-a1:xe-0/0/1'],
      capacityBps: 10_000_000_000,
      attributes: {},
    },
  ],
  'nagare.events.assets.AssetRemoved': [
    { meta: meta('asset-rack-a1', 'AssetRemoved', 1), assetId: 'rack-a1', reason: 'decommissioned' },
  ],
  'nagare.projections.ProjectionUpdate': [
    {
      view: 'hosts',
      key: hostId,
      version: 12,
      at: t0,
      delta: JSON.stringify({ status: 'online', cpu: 42.5 }),
    },
  ],
  'nagare.dlq.DeadLetter': [
    {
      originalTopic: 'telemetry.metrics',
      originalPartition: null,
      originalOffset: null,
      key: Buffer.from(hostId),
      value: Buffer.from([0, 0, 0, 0, 9, 1, 2]),
      headers: { 'content-type': 'application/vnd.nagare.agent-frame' },
      errorCode: 'STALE_TIMESTAMP',
      reason: 'collectedAt is 2 days old (limit 1 h)',
      service: 'ingest',
      hostId,
      rejectedAt: t0,
    },
  ],
};
