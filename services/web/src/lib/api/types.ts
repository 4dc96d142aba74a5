// Types of the gateway API contract v1 (docs/api.md). Times are epoch milliseconds unless noted.

export type Role = 'viewer' | 'operator' | 'approver' | 'admin' | 'auditor';
export const ROLES: Role[] = ['viewer', 'operator', 'approver', 'admin', 'auditor'];

export interface ApiErrorBody {
  error: { code: string; message: string; details?: unknown };
}

export interface User {
  id: string;
  username: string;
  role: Role;
  disabled: boolean;
  mustChangePassword: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface TokenPair {
  tokenType: 'Bearer';
  accessToken: string;
  expiresIn: number;
  refreshToken: string;
  refreshExpiresAt: string;
  user: User;
}

export type Me =
  | { kind: 'user'; user: User; sessionId: string }
  | { kind: 'api_key'; apiKey: { id: string; name: string; role: Role } };

export interface ApiKey {
  id: string;
  name: string;
  role: Role;
  createdAt: string;
  revokedAt?: string | null;
  lastUsedAt?: string | null;
  prefix?: string;
}

export interface EnrollmentToken {
  id: string;
  status: 'active' | 'used' | 'expired' | 'revoked';
  labels?: Record<string, string>;
  expiresAt: string;
  createdAt: string;
  usedAt?: string | null;
}

export type HostStatus = 'online' | 'offline' | 'decommissioned';

export interface LatestMetrics {
  cpuPercent: number | null;
  memoryUsedPercent: number | null;
  diskUsedPercent: number | null;
  load1: number | null;
  netRxBytesPerSec: number | null;
  netTxBytesPerSec: number | null;
}

export interface HostSummary {
  hostId: string;
  hostname: string;
  status: HostStatus;
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
  version?: number;
}

/** Host facts: the telemetry.inventory HostFacts record (schemas/telemetry.inventory/HostFacts.avsc). */
export interface HostFacts {
  hostname?: string;
  os?: { name: string; version?: string | null; id?: string | null } | null;
  kernel?: string | null;
  arch?: string | null;
  cpu?: { model: string; cores: number; threads: number; mhz?: number | null } | null;
  memoryBytes?: number | null;
  swapBytes?: number | null;
  bootTime?: number | null;
  disks?: { device: string; model?: string | null; sizeBytes: number; rotational?: boolean | null }[] | null;
  filesystems?: { mount: string; device: string; fsType: string; sizeBytes: number }[] | null;
  nics?:
    | {
        name: string;
        mac?: string | null;
        speedMbps?: number | null;
        duplex: 'FULL' | 'HALF' | 'UNKNOWN';
        mtu?: number | null;
        addresses: string[];
      }[]
    | null;
  gpus?:
    | {
        index: number;
        name: string;
        uuid?: string | null;
        memoryBytes?: number | null;
        driver?: string | null;
      }[]
    | null;
  agentVersion?: string | null;
  collectedAt?: number;
}

export interface ProcessInfo {
  pid: number;
  comm: string;
  cpuPercent: number;
  memoryBytes: number;
}

export interface ContainerInfo {
  id: string;
  name: string;
  state: string;
  cpuPercent: number;
  memoryBytes: number;
}

export interface HostDetail extends HostSummary {
  facts: HostFacts | null;
  processes: ProcessInfo[];
  containers: ContainerInfo[];
}

export interface Overview {
  hosts: { total: number; online: number; offline: number; decommissioned: number };
  alertsBySeverity: Record<string, number>;
  topHosts: { cpu: HostSummary[]; memory: HostSummary[]; disk: HostSummary[] };
  recentCommands: CommandSummary[];
}

export type Tier = 'raw' | '1m' | '1h';

export interface Series {
  name: string;
  labels: Record<string, string>;
  t: number[];
  v: number[];
  min?: number[];
  max?: number[];
}

export interface SeriesResponse {
  tier: Tier;
  stepMs: number;
  series: Series[];
}

export type AlertState = 'active' | 'acknowledged' | 'silenced' | 'resolved';

export interface AlertSummary {
  alertId: string;
  fingerprint: string;
  state: AlertState;
  severity: number;
  title: string;
  description: string;
  hostId: string | null;
  hostname: string | null;
  origin: 'RULE' | 'WEBHOOK';
  ruleId: string | null;
  sourceName: string | null;
  labels: Record<string, string>;
  startsAt: number;
  acknowledgedBy: string | null;
  acknowledgedAt: number | null;
  silencedUntil: number | null;
  resolvedAt: number | null;
  value: number | null;
  threshold: number | null;
  version: number;
}

export interface Actor {
  kind: string;
  id: string;
  name: string;
}

export interface TimelineEntry {
  eventType: string;
  at: number;
  actor: Actor | null;
  data: Record<string, unknown>;
}

export interface AlertDetail {
  alert: AlertSummary;
  timeline: TimelineEntry[];
  diagnosis?: Record<string, unknown>;
}

export type CommandState =
  | 'awaiting_approval'
  | 'approved'
  | 'rejected'
  | 'dispatched'
  | 'running'
  | 'completed'
  | 'failed'
  | 'timed_out'
  | 'cancelled';

export const FINAL_COMMAND_STATES: CommandState[] = [
  'rejected',
  'completed',
  'failed',
  'timed_out',
  'cancelled',
];

export interface CommandSummary {
  commandId: string;
  requestId: string;
  hostId: string;
  hostname: string | null;
  argv: string[];
  shell: boolean;
  reason: string;
  state: CommandState;
  requiresApproval: boolean;
  policy: string | null;
  requestedBy: { id: string; name: string };
  approvedBy: { id: string; name: string } | null;
  requestedAt: number;
  dispatchedAt: number | null;
  startedAt: number | null;
  finishedAt: number | null;
  exitCode: number | null;
  signal: string | null;
  durationMs: number | null;
  truncated: boolean;
  version?: number;
}

export interface OutputChunk {
  seq: number;
  stream: 'STDOUT' | 'STDERR';
  text: string;
  at: number;
}

export interface CommandDetail {
  command: CommandSummary;
  timeline: TimelineEntry[];
  output: OutputChunk[];
}

export interface CommandRequest {
  hostId?: string;
  hostSelector?: { labels: Record<string, string> };
  argv: string[];
  shell?: boolean;
  cwd?: string;
  timeoutSeconds?: number;
  reason: string;
}

export interface PolicyCheck {
  allowed: boolean;
  requiresApproval: boolean;
  policy: string | null;
  reason: string | null;
  hosts: { hostId: string; hostname: string }[];
}

export interface CommandRequested {
  requestId: string;
  commands: {
    commandId: string;
    hostId: string;
    state: CommandState;
    requiresApproval: boolean;
    policy: string | null;
  }[];
}

/** An alert rule: the AlertRuleDefined event's fields (schemas/events.rules/AlertRuleDefined.avsc). */
export interface Rule {
  ruleId: string;
  name: string;
  description?: string | null;
  metric: string;
  matchers?: { label: string; op: 'EQ' | 'NEQ' | 'RE' | 'NRE'; value: string }[];
  hostSelector?: Record<string, string>;
  comparator: 'GT' | 'GTE' | 'LT' | 'LTE';
  threshold: number;
  resolveThreshold?: number | null;
  forMs?: number;
  severity: number;
  autoResolve?: boolean;
  flapWindowMs?: number;
  flapMaxTransitions?: number;
  enabled?: boolean;
}

export interface Silence {
  silenceId: string;
  matchers: { label: string; op: 'EQ' | 'NEQ' | 'RE' | 'NRE'; value: string }[];
  startsAt: number;
  endsAt: number;
  reason: string;
  createdBy: string | { id: string; name: string } | null;
  active: boolean;
  suppressedCount: number;
}

export interface AuditEvent {
  globalPosition: number | string;
  streamId: string;
  streamVersion: number;
  type: string;
  occurredAt: number;
  recordedAt: number;
  actor: Actor | string | null;
  correlationId: string | null;
  causationId: string | null;
  data: unknown;
}

export interface StreamState {
  streamId: string;
  version: number;
  at: number;
  state: unknown;
}

export interface VerifyResult {
  ok: boolean;
  checkedStreams: number;
  checkedEvents: number;
  firstBroken?: { streamId: string; version: number; reason: string };
}

export interface Accepted {
  version: number;
  [id: string]: unknown;
}

// Socket.IO payloads.
export interface UpdateMessage<T = unknown> {
  room: string;
  view: string;
  key: string;
  version: number;
  delta: Partial<T> & { deleted?: boolean };
}

export interface HostMetricsMessage {
  hostId: string;
  at: number;
  values: LatestMetrics & { cpuPerCore?: number[] };
}

export interface CommandOutputMessage extends OutputChunk {
  commandId: string;
}

export interface CommandStateMessage {
  commandId: string;
  state: CommandState;
  exitCode?: number | null;
  [field: string]: unknown;
}
