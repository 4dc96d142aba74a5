/**
 * Pure mapping from read-model rows (services/projector, schema nagare_read) to the API
 * shapes of docs/api.md. No I/O here: repositories fetch rows, services call these.
 */

export type Row = Record<string, unknown>;

const CPU_IDLE = 'cpu_usage_percent{cpu="total",mode="idle"}';

export const ms = (v: unknown): number | null => {
  if (v === null || v === undefined) return null;
  if (v instanceof Date) return v.getTime();
  if (typeof v === 'number') return v;
  const t = Date.parse(String(v));
  return Number.isNaN(t) ? null : t;
};

const num = (v: unknown): number | null => {
  if (v === null || v === undefined || v === '') return null;
  const n = Number(v);
  return Number.isFinite(n) ? n : null;
};

export interface LatestMetrics {
  cpuPercent: number | null;
  memoryUsedPercent: number | null;
  diskUsedPercent: number | null;
  load1: number | null;
  netRxBytesPerSec: number | null;
  netTxBytesPerSec: number | null;
  cpuPerCore?: number[];
}

/** Parses `name{a="x",b="y"}` (the projector's key-metric labels) into name and labels. */
export function parseMetricLabel(label: string): { name: string; labels: Record<string, string> } {
  const brace = label.indexOf('{');
  if (brace < 0) return { name: label, labels: {} };
  const labels: Record<string, string> = {};
  const body = label.slice(brace + 1, label.lastIndexOf('}'));
  for (const m of body.matchAll(/([A-Za-z_][A-Za-z0-9_]*)="((?:[^"\\]|\\.)*)"/g))
    labels[m[1] as string] = m[2] as string;
  return { name: label.slice(0, brace), labels };
}

/**
 * The dashboard's key figures from the projector's key-metric map (host_metrics_latest.metrics,
 * host-metrics snapshot and update delta): CPU busy = 100 − idle of cpu "total"; disk = the
 * root mount (else the fullest); network = the sum over interfaces except loopback.
 */
export function latestFrom(metrics: Row | null | undefined, perCore = false): LatestMetrics {
  const out: LatestMetrics = {
    cpuPercent: null,
    memoryUsedPercent: null,
    diskUsedPercent: null,
    load1: null,
    netRxBytesPerSec: null,
    netTxBytesPerSec: null,
  };
  if (!metrics) return out;
  const cores: [number, number][] = [];
  let diskRoot: number | null = null;
  let diskMax: number | null = null;
  for (const [label, raw] of Object.entries(metrics)) {
    const value = num(raw);
    if (value === null) continue;
    const { name, labels } = parseMetricLabel(label);
    switch (name) {
      case 'cpu_usage_percent':
        if (labels.mode !== 'idle') break;
        if (labels.cpu === 'total') out.cpuPercent = round(100 - value);
        else if (labels.cpu !== undefined) {
          const core = Number(labels.cpu.replace(/^cpu/, ''));
          if (Number.isInteger(core)) cores.push([core, round(100 - value)]);
        }
        break;
      case 'memory_used_percent':
        out.memoryUsedPercent = value;
        break;
      case 'disk_used_percent':
        if (labels.mount === '/') diskRoot = value;
        diskMax = Math.max(diskMax ?? value, value);
        break;
      case 'load1':
        out.load1 = value;
        break;
      case 'net_rx_bytes_per_second':
        if (labels.interface !== 'lo') out.netRxBytesPerSec = (out.netRxBytesPerSec ?? 0) + value;
        break;
      case 'net_tx_bytes_per_second':
        if (labels.interface !== 'lo') out.netTxBytesPerSec = (out.netTxBytesPerSec ?? 0) + value;
        break;
    }
  }
  out.diskUsedPercent = diskRoot ?? diskMax;
  if (perCore && cores.length > 0) out.cpuPerCore = cores.sort((a, b) => a[0] - b[0]).map(([, v]) => v);
  return out;
}

const round = (v: number) => Math.round(v * 100) / 100;

export interface HostSummary {
  hostId: string;
  hostname: string | null;
  status: string;
  labels: Record<string, string>;
  lastSeenAt: number | null;
  os: string | null;
  kernel: string | null;
  arch: string | null;
  cpuThreads: number | null;
  memoryBytes: number | null;
  agentVersion: string | null;
  latest: LatestMetrics;
  spark: { t: number[]; cpu: number[] };
  activeAlerts: { count: number; maxSeverity: number | null };
}

/** A host_overview row (hosts ⟕ host_metrics_latest) plus its sparkline and active alerts. */
export function hostSummary(
  row: Row,
  spark: { t: number[]; cpu: number[] } = { t: [], cpu: [] },
  alerts: { count: number; maxSeverity: number | null } = { count: 0, maxSeverity: null },
): HostSummary {
  const facts = (row.facts ?? null) as Row | null;
  const os = facts?.os as Row | undefined;
  const cpu = facts?.cpu as Row | undefined;
  const lastSeen = Math.max(ms(row.last_seen_at) ?? 0, ms(row.telemetry_last_seen_at) ?? 0);
  return {
    hostId: String(row.host_id),
    hostname: (row.hostname as string | null) ?? null,
    status: String(row.status),
    labels: (row.labels as Record<string, string>) ?? {},
    lastSeenAt: lastSeen > 0 ? lastSeen : null,
    os: os ? [os.name, os.version].filter(Boolean).join(' ') : null,
    kernel: (facts?.kernel as string | undefined) ?? null,
    arch: (facts?.arch as string | undefined) ?? null,
    cpuThreads: num(cpu?.threads),
    memoryBytes: num(facts?.memoryBytes),
    agentVersion: (facts?.agentVersion as string | undefined) ?? null,
    latest: latestFrom(row.latest_metrics as Row | null),
    spark,
    activeAlerts: alerts,
  };
}

/** Sparkline points of the idle CPU series → busy CPU, at most `max` newest points. */
export function cpuSpark(points: { ts: number; value: number }[], max = 60): { t: number[]; cpu: number[] } {
  const kept = points.slice(-max);
  return { t: kept.map((p) => p.ts), cpu: kept.map((p) => round(100 - p.value)) };
}
export const CPU_IDLE_SPARK = CPU_IDLE;

const actorRef = (a: unknown): { id: string; name: string } | null => {
  if (!a || typeof a !== 'object') return null;
  const r = a as Row;
  return { id: String(r.id ?? ''), name: String(r.name ?? r.id ?? '') };
};

/** The read model's alert state (firing/acknowledged/resolved) and silence → the API state. */
export function alertState(row: Row, now: number): 'active' | 'acknowledged' | 'silenced' | 'resolved' {
  if (row.state === 'resolved') return 'resolved';
  const until = ms(row.silenced_until);
  if (until !== null && until > now) return 'silenced';
  return row.state === 'acknowledged' ? 'acknowledged' : 'active';
}

export function alertSummary(row: Row, now: number) {
  const ack = row.acknowledged_by as Row | null;
  return {
    alertId: String(row.alert_id),
    fingerprint: (row.fingerprint as string) ?? null,
    state: alertState(row, now),
    severity: num(row.severity),
    title: (row.title as string) ?? null,
    description: (row.description as string) ?? null,
    hostId: (row.host_id as string) ?? null,
    hostname: (row.hostname as string) ?? null,
    origin: (row.origin as string) ?? null,
    ruleId: (row.rule_id as string) ?? null,
    sourceName: (row.source_name as string) ?? null,
    labels: (row.labels as Record<string, string>) ?? {},
    startsAt: ms(row.started_at),
    acknowledgedBy: ack ? actorRef(ack) : null,
    acknowledgedAt: ms(row.acknowledged_at),
    silencedUntil: ms(row.silenced_until),
    resolvedAt: ms(row.resolved_at),
    value: num(row.value),
    threshold: num(row.threshold),
    version: num(row.version),
  };
}

/**
 * The read model's command status → the API state: a request that needs approval and has
 * none yet is `awaiting_approval`; one that needs none is `approved` until dispatched.
 */
export function commandState(row: Row): string {
  if (row.status === 'requested') return row.requires_approval ? 'awaiting_approval' : 'approved';
  return String(row.status);
}

export function commandSummary(row: Row) {
  const approvals = (row.approvals as Row[] | null) ?? [];
  const approved = approvals.find((a) => a.decision === 'approved');
  return {
    commandId: String(row.command_id),
    requestId: (row.request_id as string) ?? null,
    hostId: (row.host_id as string) ?? null,
    hostname: (row.hostname as string) ?? null,
    argv: (row.argv as string[]) ?? [],
    shell: row.shell === true,
    reason: (row.reason as string) ?? null,
    state: commandState(row),
    requiresApproval: row.requires_approval === true,
    policy: (row.policy as string) ?? null,
    requestedBy: actorRef(row.requested_by),
    approvedBy: approved ? actorRef(approved.actor) : null,
    requestedAt: ms(row.requested_at),
    dispatchedAt: ms(row.dispatched_at),
    startedAt: ms(row.started_at),
    finishedAt: ms(row.finished_at),
    exitCode: num(row.exit_code),
    signal: (row.signal as string) ?? null,
    durationMs: num(row.duration_ms),
    truncated: row.truncated === true,
  };
}

export function timelineEntry(row: Row) {
  return {
    eventType: String(row.event_type),
    at: ms(row.occurred_at),
    actor: {
      kind: String(row.actor_kind),
      id: String(row.actor_id),
      name: (row.actor_name as string) ?? null,
    },
    data: row.data ?? {},
  };
}

/** Opaque list cursor: the offset of the next page, base64url JSON (so its form can change). */
export const cursor = {
  encode: (offset: number): string => Buffer.from(JSON.stringify({ o: offset })).toString('base64url'),
  decode(value: string | undefined): number {
    if (!value) return 0;
    try {
      const o = (JSON.parse(Buffer.from(value, 'base64url').toString('utf8')) as { o?: unknown }).o;
      if (typeof o === 'number' && Number.isInteger(o) && o >= 0 && o <= 1_000_000_000) return o;
    } catch {}
    return -1;
  },
};

/** Metric tier from the range: ≤ 6 h raw, ≤ 7 d 1m, else 1h (unless forced). */
export function pickTier(from: number, to: number): 'raw' | '1m' | '1h' {
  const span = to - from;
  if (span <= 6 * 3600_000) return 'raw';
  if (span <= 7 * 86_400_000) return '1m';
  return '1h';
}
