// DEVELOPMENT FIXTURE — not the Nagare API. It answers the gateway contract (docs/web.md) with
// generated sample data so the dashboard can be developed, screenshotted and benchmarked without
// the platform running. The real API is services/gateway.
//
//   node dev/fixture-server.mjs [--port 4180] [--hosts 1000] [--static build]
//
// Login: admin / admin-fixture-pass (or "newbie" / "newbie-fixture-pass" to see the
// must-change-password flow). With --static it also serves the built app with the SPA fallback.
import { randomUUID } from 'node:crypto';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import path from 'node:path';
import { Server } from 'socket.io';

const args = process.argv.slice(2);
const arg = (name, def) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : def;
};
const PORT = Number(arg('port', process.env.PORT ?? 4180));
const HOSTS = Number(arg('hosts', 1000));
const STATIC = arg('static', null);

// Deterministic pseudo-random numbers so screenshots are comparable between runs.
let seed = 42;
const rnd = () => {
  seed = (seed * 1664525 + 1013904223) % 4294967296;
  return seed / 4294967296;
};
const pick = (xs) => xs[Math.floor(rnd() * xs.length)];

const now = () => Date.now();
const users = [
  {
    id: randomUUID(),
    username: 'admin',
    role: 'admin',
    password: 'admin-fixture-pass',
    mustChangePassword: false,
  },
  {
    id: randomUUID(),
    username: 'newbie',
    role: 'operator',
    password: 'newbie-fixture-pass',
    mustChangePassword: true,
  },
];
const tokens = new Map(); // access token -> user
const refreshTokens = new Map(); // refresh token -> user

const publicUser = (u) => ({
  id: u.id,
  username: u.username,
  role: u.role,
  disabled: false,
  mustChangePassword: u.mustChangePassword,
  createdAt: '2026-11-01T00:00:00.000Z',
  updatedAt: '2026-11-01T00:00:00.000Z',
});
function issue(u) {
  const accessToken = `fx_${randomUUID()}`;
  const refreshToken = `ngr_${randomUUID()}`;
  tokens.set(accessToken, u);
  refreshTokens.set(refreshToken, u);
  return {
    tokenType: 'Bearer',
    accessToken,
    expiresIn: 900,
    refreshToken,
    refreshExpiresAt: new Date(now() + 7 * 86_400_000).toISOString(),
    user: publicUser(u),
  };
}

// Hosts
const envs = ['prod', 'staging', 'dev'];
const roles = ['web', 'db', 'cache', 'batch', 'edge'];
const hosts = [];
const hostDetail = new Map();
for (let i = 0; i < HOSTS; i++) {
  const role = pick(roles);
  const hostId = randomUUID();
  const threads = pick([2, 4, 8, 16, 32]);
  const status = rnd() < 0.04 ? 'offline' : rnd() < 0.01 ? 'decommissioned' : 'online';
  const base = rnd() * 60 + 5;
  const h = {
    hostId,
    hostname: `${role}-${String(i + 1).padStart(4, '0')}.${pick(['fra1', 'ams2', 'nyc3'])}`,
    status,
    labels: { env: pick(envs), role },
    lastSeenAt: now() - (status === 'online' ? Math.floor(rnd() * 5000) : 3_600_000 * (1 + rnd() * 20)),
    os: 'Debian GNU/Linux 12',
    kernel: '6.1.0-18-amd64',
    arch: 'x86_64',
    cpuThreads: threads,
    memoryBytes: pick([8, 16, 32, 64, 128]) * 2 ** 30,
    agentVersion: '0.1.0',
    latest: {
      cpuPercent: status === 'online' ? base : null,
      memoryUsedPercent: status === 'online' ? 20 + rnd() * 70 : null,
      diskUsedPercent: 10 + rnd() * 85,
      load1: status === 'online' ? rnd() * threads : null,
      netRxBytesPerSec: rnd() * 5e7,
      netTxBytesPerSec: rnd() * 2e7,
    },
    spark: { t: [], cpu: [] },
    activeAlerts: { count: 0, maxSeverity: null },
    version: 1,
    _base: base,
  };
  for (let k = 59; k >= 0; k--) {
    h.spark.t.push(now() - k * 5000);
    h.spark.cpu.push(status === 'online' ? Math.max(0, Math.min(100, base + (rnd() - 0.5) * 20)) : 0);
  }
  hosts.push(h);
}
const byId = new Map(hosts.map((h) => [h.hostId, h]));
const summary = (h) => {
  const { _base, ...rest } = h;
  return rest;
};
function detailOf(h) {
  let d = hostDetail.get(h.hostId);
  if (!d) {
    d = {
      facts: {
        hostname: h.hostname,
        os: { name: 'Debian GNU/Linux', version: '12', id: 'debian' },
        kernel: h.kernel,
        arch: h.arch,
        cpu: { model: 'AMD EPYC 7B13', cores: h.cpuThreads / 2, threads: h.cpuThreads, mhz: 2450 },
        memoryBytes: h.memoryBytes,
        swapBytes: 2 * 2 ** 30,
        bootTime: now() - 12 * 86_400_000,
        disks: [
          { device: 'nvme0n1', model: 'Samsung PM9A3', sizeBytes: 960 * 1e9, rotational: false },
          { device: 'sda', model: 'ST4000NM', sizeBytes: 4000 * 1e9, rotational: true },
        ],
        filesystems: [
          { mount: '/', device: '/dev/nvme0n1p2', fsType: 'ext4', sizeBytes: 900 * 1e9 },
          { mount: '/data', device: '/dev/sda1', fsType: 'xfs', sizeBytes: 3900 * 1e9 },
        ],
        nics: [
          {
            name: 'eth0',
            mac: '52:54:00:12:34:56',
            speedMbps: 10000,
            duplex: 'FULL',
            mtu: 1500,
            addresses: ['10.0.0.12/24'],
          },
          {
            name: 'eth1',
            mac: '52:54:00:12:34:57',
            speedMbps: null,
            duplex: 'UNKNOWN',
            mtu: 1500,
            addresses: [],
          },
        ],
        gpus:
          h.labels.role === 'batch'
            ? [{ index: 0, name: 'NVIDIA L4', uuid: 'GPU-1', memoryBytes: 24 * 2 ** 30, driver: '550.54' }]
            : [],
        agentVersion: h.agentVersion,
      },
      processes: Array.from({ length: 12 }, (_, i) => ({
        pid: 1000 + i * 37,
        comm: pick(['postgres', 'nginx', 'node', 'java', 'redis-server', 'sshd', 'systemd', 'nagare-agent']),
        cpuPercent: rnd() * 80,
        memoryBytes: rnd() * 4 * 2 ** 30,
      })).sort((a, b) => b.cpuPercent - a.cpuPercent),
      containers: Array.from({ length: 3 }, (_, i) => ({
        id: randomUUID().replace(/-/g, '').slice(0, 12),
        name: `${h.labels.role}-svc-${i}`,
        state: i === 2 ? 'exited' : 'running',
        cpuPercent: i === 2 ? 0 : rnd() * 50,
        memoryBytes: rnd() * 2 ** 30,
      })),
    };
    hostDetail.set(h.hostId, d);
  }
  return { ...summary(h), ...d };
}

// Alerts, commands, rules, silences, audit
const alerts = [];
const alertTimeline = new Map();
function raiseAlert(h, severity, title, ruleId = null) {
  const a = {
    alertId: randomUUID(),
    fingerprint: `${h.hostId}:${title}`,
    state: 'active',
    severity,
    title,
    description: `${title} on ${h.hostname}`,
    hostId: h.hostId,
    hostname: h.hostname,
    origin: ruleId ? 'RULE' : 'WEBHOOK',
    ruleId,
    sourceName: ruleId ? null : 'alertmanager',
    labels: { ...h.labels },
    startsAt: now() - Math.floor(rnd() * 3_600_000),
    acknowledgedBy: null,
    acknowledgedAt: null,
    silencedUntil: null,
    resolvedAt: null,
    value: 90 + rnd() * 10,
    threshold: 90,
    version: 1,
  };
  alerts.push(a);
  alertTimeline.set(a.alertId, [
    {
      eventType: 'AlertRaised',
      at: a.startsAt,
      actor: { kind: 'system', id: 'rules', name: 'rule engine' },
      data: { value: a.value },
    },
  ]);
  h.activeAlerts = {
    count: h.activeAlerts.count + 1,
    maxSeverity: Math.max(h.activeAlerts.maxSeverity ?? 0, severity),
  };
  return a;
}
for (let i = 0; i < 24; i++) {
  const h = pick(hosts.filter((x) => x.status === 'online'));
  raiseAlert(
    h,
    Math.floor(rnd() * 4),
    pick(['CPU above 90%', 'Disk almost full', 'Memory pressure', 'Probe down']),
    i % 3 ? 'rule-cpu' : null,
  );
}
const rules = [
  {
    ruleId: 'rule-cpu',
    name: 'High CPU',
    description: 'Total CPU busy',
    metric: 'cpu_usage_percent',
    matchers: [],
    hostSelector: {},
    comparator: 'GT',
    threshold: 90,
    resolveThreshold: 80,
    forMs: 60_000,
    severity: 2,
    autoResolve: true,
    enabled: true,
  },
  {
    ruleId: 'rule-disk',
    name: 'Disk almost full',
    description: null,
    metric: 'disk_used_percent',
    matchers: [],
    hostSelector: { env: 'prod' },
    comparator: 'GT',
    threshold: 90,
    resolveThreshold: null,
    forMs: 0,
    severity: 1,
    autoResolve: true,
    enabled: true,
  },
];
const silences = [
  {
    silenceId: randomUUID(),
    matchers: [{ label: 'env', op: 'EQ', value: 'dev' }],
    startsAt: now() - 3_600_000,
    endsAt: now() + 3_600_000,
    reason: 'dev maintenance',
    createdBy: 'admin',
    active: true,
    suppressedCount: 3,
  },
];
const commands = [];
const commandOutput = new Map();
const commandTimeline = new Map();
const adminRef = { id: users[0].id, name: 'admin' };
function newCommand(h, argv, reason, by = adminRef, state = 'completed') {
  const requestedAt = now() - Math.floor(rnd() * 7_200_000);
  const c = {
    commandId: randomUUID(),
    requestId: randomUUID(),
    hostId: h.hostId,
    hostname: h.hostname,
    argv,
    shell: false,
    reason,
    state,
    requiresApproval: state === 'awaiting_approval',
    policy: state === 'awaiting_approval' ? 'risky-needs-approval' : 'operators-read-only',
    requestedBy: by,
    approvedBy: null,
    requestedAt,
    dispatchedAt: state === 'awaiting_approval' ? null : requestedAt + 120,
    startedAt: state === 'awaiting_approval' ? null : requestedAt + 300,
    finishedAt: state === 'completed' ? requestedAt + 1500 : null,
    exitCode: state === 'completed' ? 0 : null,
    signal: null,
    durationMs: state === 'completed' ? 1200 : null,
    truncated: false,
    version: 1,
  };
  commands.unshift(c);
  commandOutput.set(
    c.commandId,
    state === 'completed'
      ? [{ seq: 0, stream: 'STDOUT', text: `ran ${argv.join(' ')}\n`, at: requestedAt + 400 }]
      : [],
  );
  commandTimeline.set(c.commandId, [
    {
      eventType: 'CommandRequested',
      at: requestedAt,
      actor: { kind: 'user', ...by },
      data: { argv, reason },
    },
  ]);
  return c;
}
for (let i = 0; i < 14; i++)
  newCommand(
    pick(hosts),
    pick([['uptime'], ['df', '-h'], ['systemctl', 'status', 'nginx']]),
    'routine check',
  );
newCommand(
  hosts[3],
  ['systemctl', 'restart', 'postgresql'],
  'apply config',
  { id: users[1].id, name: 'newbie' },
  'awaiting_approval',
);
commands.sort((a, b) => b.requestedAt - a.requestedAt);

const auditEvents = [];
let globalPosition = 0;
function audit(streamId, type, actor, data) {
  auditEvents.push({
    globalPosition: ++globalPosition,
    streamId,
    streamVersion: auditEvents.filter((e) => e.streamId === streamId).length + 1,
    type,
    occurredAt: now(),
    recordedAt: now(),
    actor,
    correlationId: randomUUID(),
    causationId: null,
    data,
  });
}
for (const a of alerts.slice(0, 10))
  audit(
    `alert-${a.alertId}`,
    'AlertRaised',
    { kind: 'system', id: 'rules', name: 'rule engine' },
    { title: a.title, severity: a.severity },
  );
for (const c of commands.slice(0, 10))
  audit(`command-${c.commandId}`, 'CommandRequested', { kind: 'user', ...c.requestedBy }, { argv: c.argv });

const apiKeys = [
  {
    id: randomUUID(),
    name: 'ci-bot',
    role: 'operator',
    createdAt: '2026-11-10T10:00:00.000Z',
    revokedAt: null,
    lastUsedAt: null,
  },
];
const enrollmentTokens = [
  {
    id: randomUUID(),
    status: 'active',
    labels: { env: 'prod' },
    expiresAt: new Date(now() + 86_400_000).toISOString(),
    createdAt: new Date().toISOString(),
    usedAt: null,
  },
];

// Metrics series: a smooth, deterministic signal per host and label set.
function signal(hostId, salt, t) {
  let hsh = 0;
  for (const ch of hostId + salt) hsh = (hsh * 31 + ch.charCodeAt(0)) | 0;
  const phase = (Math.abs(hsh) % 1000) / 159;
  const base = 25 + (Math.abs(hsh) % 40);
  return Math.max(
    0,
    Math.min(100, base + 15 * Math.sin(t / 600_000 + phase) + 6 * Math.sin(t / 47_000 + phase * 3)),
  );
}
function series(q) {
  const from = Number(q.get('from'));
  const to = Number(q.get('to'));
  const range = to - from;
  const tier = q.get('tier') ?? (range <= 6 * 3_600_000 ? 'raw' : range <= 7 * 86_400_000 ? '1m' : '1h');
  const base = tier === 'raw' ? 5000 : tier === '1m' ? 60_000 : 3_600_000;
  const stepMs = Math.max(base, Number(q.get('step') ?? 0) || base);
  const name = q.get('name');
  const labelsWanted = Object.fromEntries(q.getAll('label').map((l) => l.split('=')));
  const hostId = q.get('hostId');
  const h = byId.get(hostId);
  let sets = [{}];
  if (name === 'cpu_usage_percent') {
    const cpus = ['total', ...Array.from({ length: h?.cpuThreads ?? 4 }, (_, i) => String(i))];
    sets = cpus.flatMap((cpu) =>
      ['user', 'system', 'iowait', 'steal', 'idle'].map((mode) => ({ cpu, mode })),
    );
  } else if (name?.startsWith('disk_')) sets = [{ mount: '/' }, { mount: '/data' }];
  else if (name?.startsWith('net_')) sets = [{ interface: 'eth0' }, { interface: 'eth1' }];
  sets = sets.filter((l) => Object.entries(labelsWanted).every(([k, v]) => l[k] === v));
  const start = Math.ceil(from / stepMs) * stepMs;
  const out = sets.map((labels) => {
    const n = Math.max(0, Math.floor((to - start) / stepMs) + 1);
    const t = new Array(n);
    const v = new Array(n);
    const salt = labels.cpu === 'total' && labels.mode === 'idle' ? 'cpu' : name + JSON.stringify(labels);
    for (let i = 0; i < n; i++) {
      const at = start + i * stepMs;
      t[i] = at;
      let val = signal(hostId ?? '', salt, at);
      if (labels.mode === 'idle') val = 100 - val;
      else if (labels.mode && labels.mode !== 'user') val = val / 6;
      if (name?.startsWith('net_')) val *= 2e5;
      if (name === 'memory_used_bytes') val = (val / 100) * (h?.memoryBytes ?? 2 ** 34);
      v[i] = Math.round(val * 100) / 100;
    }
    return { name, labels, t, v };
  });
  return { tier, stepMs, series: out };
}

// HTTP
const send = (res, status, body) => {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(body === undefined ? '' : JSON.stringify(body));
};
const fail = (res, status, code, message) => send(res, status, { error: { code, message } });
const readBody = (req) =>
  new Promise((resolve) => {
    let s = '';
    req.on('data', (c) => {
      s += c;
    });
    req.on('end', () => {
      try {
        resolve(s ? JSON.parse(s) : {});
      } catch {
        resolve(null);
      }
    });
  });
function paginate(items, q, key) {
  const limit = Math.min(1000, Number(q.get('limit') ?? 100) || 100);
  const offset = Number(q.get('cursor') ?? 0) || 0;
  const page = items.slice(offset, offset + limit);
  return { [key]: page, nextCursor: offset + limit < items.length ? String(offset + limit) : null };
}

let io;
function broadcastUpdate(room, view, key, version, delta) {
  io.to(room).emit('update', { room, view, key, version, delta });
}

async function api(req, res, url) {
  const p = url.pathname.slice('/api/v1'.length);
  const q = url.searchParams;
  const m = req.method;
  if (m === 'POST' && p === '/auth/login') {
    const b = await readBody(req);
    const u = users.find((x) => x.username === b?.username && x.password === b?.password);
    return u
      ? send(res, 200, issue(u))
      : fail(res, 401, 'invalid_credentials', 'invalid username or password');
  }
  if (m === 'POST' && p === '/auth/refresh') {
    const b = await readBody(req);
    const u = refreshTokens.get(b?.refreshToken);
    if (!u) return fail(res, 401, 'invalid_refresh_token', 'refresh token is not valid');
    refreshTokens.delete(b.refreshToken);
    return send(res, 200, issue(u));
  }
  if (m === 'POST' && p === '/auth/logout') {
    const b = await readBody(req);
    refreshTokens.delete(b?.refreshToken);
    res.writeHead(204).end();
    return;
  }
  const auth = req.headers.authorization ?? '';
  const user = tokens.get(auth.replace(/^Bearer /, ''));
  if (!user) return fail(res, 401, auth ? 'token_expired' : 'unauthenticated', 'sign in again');
  if (m === 'POST' && p === '/auth/password') {
    const b = await readBody(req);
    if (b?.currentPassword !== user.password)
      return fail(res, 401, 'invalid_credentials', 'current password is wrong');
    if (!b.newPassword || b.newPassword.length < 12)
      return fail(res, 400, 'weak_password', 'use at least 12 characters');
    user.password = b.newPassword;
    user.mustChangePassword = false;
    return send(res, 200, issue(user));
  }
  if (user.mustChangePassword)
    return fail(res, 403, 'password_change_required', 'change your password first');
  if (m === 'GET' && p === '/auth/me')
    return send(res, 200, { kind: 'user', user: publicUser(user), sessionId: 's' });

  if (m === 'GET' && p === '/overview') {
    const top = (k) =>
      [...hosts]
        .filter((h) => h.latest[k] != null)
        .sort((a, b) => b.latest[k] - a.latest[k])
        .slice(0, 5)
        .map(summary);
    const sev = { 0: 0, 1: 0, 2: 0, 3: 0 };
    for (const a of alerts) if (a.state === 'active' || a.state === 'acknowledged') sev[a.severity]++;
    return send(res, 200, {
      hosts: {
        total: hosts.length,
        online: hosts.filter((h) => h.status === 'online').length,
        offline: hosts.filter((h) => h.status === 'offline').length,
        decommissioned: hosts.filter((h) => h.status === 'decommissioned').length,
      },
      alertsBySeverity: sev,
      topHosts: { cpu: top('cpuPercent'), memory: top('memoryUsedPercent'), disk: top('diskUsedPercent') },
      recentCommands: commands.slice(0, 10),
    });
  }
  if (m === 'GET' && p === '/hosts') {
    let list = hosts;
    if (q.get('status')) list = list.filter((h) => h.status === q.get('status'));
    return send(res, 200, paginate(list.map(summary), q, 'hosts'));
  }
  let mm = p.match(/^\/hosts\/([^/]+)$/);
  if (m === 'GET' && mm) {
    const h = byId.get(mm[1]);
    return h ? send(res, 200, { host: detailOf(h) }) : fail(res, 404, 'not_found', 'no such host');
  }
  if (m === 'GET' && p === '/metrics/series') return send(res, 200, series(q));
  if (m === 'GET' && p === '/alerts') {
    const states = q.getAll('state');
    let list = alerts.filter((a) => !states.length || states.includes(a.state));
    if (q.get('hostId')) list = list.filter((a) => a.hostId === q.get('hostId'));
    return send(res, 200, paginate(list, q, 'alerts'));
  }
  mm = p.match(/^\/alerts\/([^/]+)(?:\/(\w+))?$/);
  if (mm) {
    const a = alerts.find((x) => x.alertId === mm[1]);
    if (!a) return fail(res, 404, 'not_found', 'no such alert');
    if (m === 'GET' && !mm[2])
      return send(res, 200, { alert: a, timeline: alertTimeline.get(a.alertId) ?? [] });
    if (m === 'POST') {
      const b = (await readBody(req)) ?? {};
      const actor = { kind: 'user', id: user.id, name: user.username };
      const tl = alertTimeline.get(a.alertId);
      const action = mm[2];
      if (action === 'acknowledge') {
        if (a.state !== 'active') return fail(res, 409, 'invalid_state', `alert is ${a.state}`);
        Object.assign(a, { state: 'acknowledged', acknowledgedBy: user.username, acknowledgedAt: now() });
        tl.push({ eventType: 'AlertAcknowledged', at: now(), actor, data: { comment: b.comment ?? null } });
      } else if (action === 'notes')
        tl.push({ eventType: 'AlertNoteAdded', at: now(), actor, data: { text: b.text } });
      else if (action === 'silence') {
        Object.assign(a, { state: 'silenced', silencedUntil: now() + (b.durationMinutes ?? 60) * 60_000 });
        tl.push({ eventType: 'AlertSilenced', at: now(), actor, data: b });
      } else if (action === 'resolve') {
        Object.assign(a, { state: 'resolved', resolvedAt: now() });
        tl.push({ eventType: 'AlertResolved', at: now(), actor, data: b });
      } else if (action === 'escalate') {
        a.severity = b.severity;
        tl.push({ eventType: 'AlertEscalated', at: now(), actor, data: b });
      } else if (action === 'diagnose')
        tl.push({
          eventType: 'AlertDiagnosed',
          at: now(),
          actor,
          data: { summary: 'deterministic fixture diagnosis' },
        });
      else return fail(res, 404, 'not_found', 'no such action');
      a.version++;
      broadcastUpdate('alerts', 'alerts', a.alertId, a.version, { ...a });
      return send(res, 202, { alertId: a.alertId, version: a.version });
    }
  }
  if (m === 'POST' && p === '/commands/policy-check') {
    const b = (await readBody(req)) ?? {};
    const risky = /restart|rm|reboot|kill/.test((b.argv ?? []).join(' '));
    const targets = b.hostId
      ? [byId.get(b.hostId)].filter(Boolean)
      : hosts
          .filter((h) => Object.entries(b.hostSelector?.labels ?? {}).every(([k, v]) => h.labels[k] === v))
          .slice(0, 50);
    return send(res, 200, {
      allowed: true,
      requiresApproval: risky,
      policy: risky ? 'risky-needs-approval' : 'operators-read-only',
      reason: risky ? 'changes service state' : null,
      hosts: targets.map((h) => ({ hostId: h.hostId, hostname: h.hostname })),
    });
  }
  if (m === 'POST' && p === '/commands') {
    const b = (await readBody(req)) ?? {};
    if (!Array.isArray(b.argv) || !b.argv.length || !b.reason)
      return fail(res, 400, 'validation_failed', 'argv and reason are required');
    const h = byId.get(b.hostId) ?? hosts[0];
    const risky = /restart|rm|reboot|kill/.test(b.argv.join(' '));
    const c = newCommand(
      h,
      b.argv,
      b.reason,
      { id: user.id, name: user.username },
      risky ? 'awaiting_approval' : 'dispatched',
    );
    c.requestedAt = now();
    if (!risky) runCommand(c);
    return send(res, 202, {
      requestId: c.requestId,
      commands: [
        {
          commandId: c.commandId,
          hostId: c.hostId,
          state: c.state,
          requiresApproval: risky,
          policy: c.policy,
        },
      ],
    });
  }
  if (m === 'GET' && p === '/commands') {
    let list = commands;
    if (q.get('awaitingApproval') === 'true') list = list.filter((c) => c.state === 'awaiting_approval');
    if (q.get('hostId')) list = list.filter((c) => c.hostId === q.get('hostId'));
    return send(res, 200, paginate(list, q, 'commands'));
  }
  mm = p.match(/^\/commands\/([^/]+)(?:\/(\w+))?$/);
  if (mm) {
    const c = commands.find((x) => x.commandId === mm[1]);
    if (!c) return fail(res, 404, 'not_found', 'no such command');
    if (m === 'GET')
      return send(res, 200, {
        command: c,
        timeline: commandTimeline.get(c.commandId),
        output: commandOutput.get(c.commandId),
      });
    if (mm[2] === 'approve') {
      if (c.requestedBy.id === user.id)
        return fail(res, 403, 'self_approval', 'you cannot approve your own request');
      c.approvedBy = { id: user.id, name: user.username };
      runCommand(c);
    } else if (mm[2] === 'reject') c.state = 'rejected';
    else if (mm[2] === 'cancel') c.state = 'cancelled';
    c.version++;
    broadcastUpdate('commands', 'commands', c.commandId, c.version, { ...c });
    return send(res, 202, { commandId: c.commandId, version: c.version });
  }
  if (m === 'GET' && p === '/rules') return send(res, 200, { rules });
  if (m === 'POST' && p === '/rules') {
    const b = (await readBody(req)) ?? {};
    const ruleId = randomUUID();
    rules.push({ ...b, ruleId });
    // The fixture has no rule engine: a new rule fires after 2 s on the hosts someone watches
    // (host/<id> rooms), which is what the e2e spec and manual checks need.
    setTimeout(() => {
      for (const room of io.of('/').adapter.rooms.keys()) {
        const h = room.startsWith('host/') ? byId.get(room.slice(5)) : null;
        if (!h) continue;
        const a = raiseAlert(h, b.severity ?? 1, b.name ?? 'rule fired', ruleId);
        a.startsAt = now();
        broadcastUpdate('alerts', 'alerts', a.alertId, a.version, { ...a });
      }
    }, 2000);
    return send(res, 201, { ruleId });
  }
  mm = p.match(/^\/rules\/([^/]+)$/);
  if (mm && m === 'DELETE') {
    rules.splice(
      rules.findIndex((r) => r.ruleId === mm[1]),
      1,
    );
    return send(res, 202, { ruleId: mm[1], version: 2 });
  }
  if (m === 'GET' && p === '/silences') return send(res, 200, { silences });
  if (m === 'POST' && p === '/silences') {
    const b = (await readBody(req)) ?? {};
    const s = {
      silenceId: randomUUID(),
      matchers: b.matchers,
      startsAt: b.startsAt ?? now(),
      endsAt: b.endsAt ?? now() + (b.durationMinutes ?? 60) * 60_000,
      reason: b.reason,
      createdBy: user.username,
      active: true,
      suppressedCount: 0,
    };
    silences.push(s);
    return send(res, 201, { silenceId: s.silenceId });
  }
  mm = p.match(/^\/silences\/([^/]+)$/);
  if (mm && m === 'DELETE') {
    silences.splice(
      silences.findIndex((s) => s.silenceId === mm[1]),
      1,
    );
    res.writeHead(204).end();
    return;
  }
  if (m === 'GET' && p === '/audit/events') {
    let list = [...auditEvents].reverse();
    if (q.get('streamId')) list = list.filter((e) => e.streamId === q.get('streamId'));
    return send(res, 200, paginate(list, q, 'events'));
  }
  mm = p.match(/^\/audit\/streams\/([^/]+)\/state$/);
  if (mm && m === 'GET') {
    const evs = auditEvents.filter(
      (e) =>
        e.streamId === decodeURIComponent(mm[1]) && (!q.get('at') || e.recordedAt <= Number(q.get('at'))),
    );
    return send(res, 200, {
      streamId: mm[1],
      version: evs.length,
      at: Number(q.get('at') ?? now()),
      state: Object.assign({}, ...evs.map((e) => e.data)),
    });
  }
  if (m === 'POST' && p === '/audit/verify')
    return send(res, 200, {
      ok: true,
      checkedStreams: new Set(auditEvents.map((e) => e.streamId)).size,
      checkedEvents: auditEvents.length,
    });
  if (m === 'GET' && p === '/users') return send(res, 200, { users: users.map(publicUser) });
  if (m === 'POST' && p === '/users') {
    const b = (await readBody(req)) ?? {};
    const u = {
      id: randomUUID(),
      username: b.username,
      role: b.role,
      password: b.password,
      mustChangePassword: b.mustChangePassword ?? true,
    };
    users.push(u);
    return send(res, 201, publicUser(u));
  }
  if (m === 'GET' && p === '/api-keys') return send(res, 200, { apiKeys });
  if (m === 'POST' && p === '/api-keys') {
    const b = (await readBody(req)) ?? {};
    const k = {
      id: randomUUID(),
      name: b.name,
      role: b.role,
      createdAt: new Date().toISOString(),
      revokedAt: null,
      lastUsedAt: null,
    };
    apiKeys.push(k);
    return send(res, 201, { key: `ngk_${randomUUID()}`, apiKey: k });
  }
  if (m === 'GET' && p === '/agents/enrollment-tokens') return send(res, 200, { enrollmentTokens });
  if (m === 'POST' && p === '/agents/enrollment-tokens') {
    const b = (await readBody(req)) ?? {};
    const t = {
      id: randomUUID(),
      status: 'active',
      labels: b.labels ?? {},
      expiresAt: new Date(now() + (b.ttlSeconds ?? 86_400) * 1000).toISOString(),
      createdAt: new Date().toISOString(),
      usedAt: null,
    };
    enrollmentTokens.push(t);
    return send(res, 201, { token: `net_${randomUUID()}`, enrollmentToken: t });
  }
  return fail(res, 404, 'not_found', `no route ${m} ${p}`);
}

function runCommand(c) {
  const out = commandOutput.get(c.commandId);
  c.state = 'running';
  c.startedAt = now();
  io.to('commands').emit('command.state', { commandId: c.commandId, state: 'running' });
  let seq = 0;
  // Enough of `sh -c "for i in A B; do echo X$i; ...; done"` to stream what a shell would.
  const loop =
    c.argv[0] === 'sh' && c.argv[1] === '-c' && /for i in ([^;]+); do echo (\S+)\$i/.exec(c.argv[2] ?? '');
  const lines = loop
    ? loop[1]
        .trim()
        .split(/\s+/)
        .map((i) => `${loop[2]}${i}`)
    : [
        `$ ${c.argv.join(' ')}`,
        ...Array.from({ length: 8 }, (_, i) => `line ${i + 1} of output from ${c.hostname}`),
      ];
  const timer = setInterval(() => {
    if (seq < lines.length) {
      const chunk = {
        seq,
        stream: !loop && seq === 5 ? 'STDERR' : 'STDOUT',
        text: `${lines[seq]}\n`,
        at: now(),
      };
      out.push(chunk);
      io.to(`command/${c.commandId}`).emit('command.output', { commandId: c.commandId, ...chunk });
      seq++;
      return;
    }
    clearInterval(timer);
    Object.assign(c, { state: 'completed', exitCode: 0, finishedAt: now(), durationMs: now() - c.startedAt });
    c.version++;
    const st = { commandId: c.commandId, state: 'completed', exitCode: 0 };
    io.to(`command/${c.commandId}`).emit('command.state', st);
    io.to('commands').emit('command.state', st);
    broadcastUpdate('commands', 'commands', c.commandId, c.version, { ...c });
  }, 300);
}

function serveStatic(res, url) {
  const root = path.resolve(STATIC);
  let file = path.join(root, decodeURIComponent(url.pathname));
  if (!file.startsWith(root) || !existsSync(file) || statSync(file).isDirectory())
    file = path.join(root, 'index.html');
  const type =
    {
      '.js': 'text/javascript',
      '.css': 'text/css',
      '.html': 'text/html',
      '.svg': 'image/svg+xml',
      '.json': 'application/json',
      '.png': 'image/png',
    }[path.extname(file)] ?? 'application/octet-stream';
  res.writeHead(200, { 'content-type': type });
  createReadStream(file).pipe(res);
}

const server = createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://localhost');
  if (url.pathname.startsWith('/api/v1/')) {
    api(req, res, url).catch((err) => {
      console.error(err);
      fail(res, 500, 'internal', 'internal error');
    });
  } else if (STATIC) serveStatic(res, url);
  else fail(res, 404, 'not_found', 'fixture serves only /api/v1 (pass --static build to serve the app)');
});

io = new Server(server, { path: '/socket.io' });
io.use((socket, next) => {
  const user = tokens.get(socket.handshake.auth?.token);
  if (!user) {
    const err = new Error('unauthenticated');
    err.data = { code: 'unauthenticated' };
    return next(err);
  }
  socket.data.user = user;
  next();
});
io.on('connection', (socket) => {
  socket.on('subscribe', ({ room } = {}, ack) => {
    if (typeof room !== 'string')
      return ack?.({ ok: false, error: { code: 'invalid_argument', message: 'room' } });
    socket.join(room);
    ack?.({ ok: true });
  });
  socket.on('unsubscribe', ({ room } = {}) => socket.leave(room));
});

// Live data: every 5 s each online host moves; host rooms get host.metrics every second.
setInterval(() => {
  const t = now();
  for (const h of hosts) {
    if (h.status !== 'online') continue;
    const cpu = signal(h.hostId, 'cpu', t);
    h.latest = { ...h.latest, cpuPercent: cpu, load1: (cpu / 100) * h.cpuThreads };
    h.spark.t = [...h.spark.t.slice(-59), t];
    h.spark.cpu = [...h.spark.cpu.slice(-59), cpu];
    h.lastSeenAt = t;
    h.version++;
    broadcastUpdate('hosts', 'hosts', h.hostId, h.version, {
      latest: h.latest,
      spark: h.spark,
      lastSeenAt: t,
    });
  }
}, 5000);
setInterval(() => {
  const t = now();
  for (const room of io.of('/').adapter.rooms.keys()) {
    if (!room.startsWith('host/')) continue;
    const hostId = room.slice(5);
    const h = byId.get(hostId);
    if (!h) continue;
    const busy = Array.from({ length: h.cpuThreads }, (_, i) =>
      signal(hostId, `cpu_usage_percent{"cpu":"${i}","mode":"idle"}`, t),
    );
    io.to(room).emit('host.metrics', {
      hostId,
      at: t,
      values: {
        cpuPercent: signal(hostId, 'cpu', t),
        memoryUsedPercent: signal(hostId, 'memory_used_percent{}', t),
        diskUsedPercent: signal(hostId, 'disk_used_percent{"mount":"/"}', t),
        load1: 1,
        netRxBytesPerSec: signal(hostId, 'net_rx_bytes_per_second{"interface":"eth0"}', t) * 2e5,
        netTxBytesPerSec: signal(hostId, 'net_tx_bytes_per_second{"interface":"eth0"}', t) * 2e5,
        cpuPerCore: busy,
      },
    });
  }
}, 1000);

server.listen(PORT, '127.0.0.1', () => {
  const { port } = server.address();
  console.log(
    `nagare web DEVELOPMENT FIXTURE on http://127.0.0.1:${port} (${HOSTS} hosts${STATIC ? `, serving ${STATIC}` : ''})`,
  );
});
