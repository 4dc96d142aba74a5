import { createHash } from 'node:crypto';
import type { RecordInput } from '@nagare/contracts';
import { z } from 'zod';

export type WebhookAlertInput = RecordInput<'nagare.ingest.WebhookAlert'>;

/** The payload is not what this source's format promises; becomes HTTP 400 and a dead letter. */
export class WebhookPayloadError extends Error {
  readonly code = 'SCHEMA_INVALID';
}

export interface NormalizeContext {
  sourceName: string;
  receivedAt: number;
  /** Label whose value is a Nagare host id (Alertmanager, generic). */
  hostLabel: string;
}

const labelMap = z.record(z.string(), z.string());

/** Stable fingerprint of a label set when the source gives none: sha256 of sorted name=value pairs. */
export function labelFingerprint(labels: Record<string, string>): string {
  const canonical = Object.keys(labels)
    .sort()
    .map((k) => `${k}=${labels[k]}`)
    .join('\u0000');
  return createHash('sha256').update(canonical).digest('hex').slice(0, 16);
}

/** Common severity words to Nagare's 0 info, 1 warning, 2 critical, 3 page. */
export function severityFromWord(word: string | undefined, fallback = 1): number {
  switch ((word ?? '').trim().toLowerCase()) {
    case 'none':
    case 'info':
    case 'informational':
    case 'information':
    case 'low':
    case 'ok':
      return 0;
    case 'warning':
    case 'warn':
    case 'minor':
    case 'average':
    case 'medium':
      return 1;
    case 'critical':
    case 'crit':
    case 'error':
    case 'major':
    case 'high':
      return 2;
    case 'page':
    case 'emergency':
    case 'fatal':
    case 'disaster':
      return 3;
    default:
      return fallback;
  }
}

function parseTime(value: string, what: string): number {
  const ms = Date.parse(value);
  if (!Number.isFinite(ms) || ms < 0) throw new WebhookPayloadError(`${what} is not a valid time: ${value}`);
  return ms;
}

// Prometheus Alertmanager webhook payload, version 4
// (https://prometheus.io/docs/alerting/latest/configuration/#webhook_config).
const AmAlert = z.object({
  status: z.enum(['firing', 'resolved']),
  labels: labelMap,
  annotations: labelMap.default({}),
  startsAt: z.string(),
  endsAt: z.string().optional(),
  generatorURL: z.string().optional(),
  fingerprint: z.string().optional(),
});
export const AlertmanagerPayload = z.object({
  version: z.literal('4'),
  receiver: z.string().optional(),
  status: z.enum(['firing', 'resolved']),
  alerts: z.array(AmAlert).min(1),
  groupLabels: labelMap.optional(),
  commonLabels: labelMap.optional(),
  commonAnnotations: labelMap.optional(),
  externalURL: z.string().optional(),
  groupKey: z.string().optional(),
  truncatedAlerts: z.number().optional(),
});

/** Alertmanager's zero time ("0001-01-01T00:00:00Z") means "not ended". */
const amEnd = (s: string | undefined): number | null => {
  if (!s || s.startsWith('0001-01-01')) return null;
  return parseTime(s, 'endsAt');
};

export function normalizeAlertmanager(body: unknown, ctx: NormalizeContext): WebhookAlertInput[] {
  const parsed = AlertmanagerPayload.safeParse(body);
  if (!parsed.success)
    throw new WebhookPayloadError(`not an Alertmanager v4 payload: ${issues(parsed.error)}`);
  return parsed.data.alerts.map((a) => ({
    source: 'ALERTMANAGER',
    sourceName: ctx.sourceName,
    fingerprint: a.fingerprint || labelFingerprint(a.labels),
    status: a.status === 'firing' ? 'FIRING' : 'RESOLVED',
    severity: severityFromWord(a.labels.severity),
    title: a.annotations.summary ?? a.labels.alertname ?? 'alert',
    description: a.annotations.description ?? null,
    hostId: a.labels[ctx.hostLabel] ?? null,
    labels: a.labels,
    annotations: a.annotations,
    startsAt: parseTime(a.startsAt, 'startsAt'),
    endsAt: a.status === 'resolved' ? (amEnd(a.endsAt) ?? ctx.receivedAt) : null,
    generatorUrl: a.generatorURL || null,
    receivedAt: ctx.receivedAt,
  }));
}

// Zabbix webhook media type: the JSON our media-type script posts (docs/ingest.md). Every value is
// a macro-expanded string; macros Zabbix cannot resolve (e.g. {EVENT.RECOVERY.DATE} on a
// problem) arrive literally and count as absent.
const zabbixString = z.string().optional();
export const ZabbixPayload = z.object({
  event_id: z.string().min(1),
  event_value: z.string(),
  event_nseverity: zabbixString,
  event_severity: zabbixString,
  event_name: zabbixString,
  event_date: z.string(),
  event_time: z.string(),
  event_recovery_date: zabbixString,
  event_recovery_time: zabbixString,
  event_tags: zabbixString,
  event_opdata: zabbixString,
  trigger_id: zabbixString,
  trigger_description: zabbixString,
  host_host: zabbixString,
  host_name: zabbixString,
  host_ip: zabbixString,
  event_url: zabbixString,
  alert_subject: zabbixString,
  alert_message: zabbixString,
  nagare_host_id: zabbixString,
});

const unresolved = (v: string | undefined): string | undefined =>
  v === undefined || v === '' || /^\{[A-Z0-9_.$]+\}$/.test(v) ? undefined : v;

/** Zabbix {EVENT.NSEVERITY}: 0 not classified, 1 information, 2 warning, 3 average, 4 high, 5 disaster. */
const ZABBIX_SEVERITY = [0, 0, 1, 2, 2, 3] as const;

/** "2026.11.22" + "02:21:04" in the Zabbix server's zone (`utcOffset`, e.g. "+01:00"). */
function zabbixTime(date: string, time: string, utcOffset: string, what: string): number {
  const m = /^(\d{4})\.(\d{2})\.(\d{2})$/.exec(date);
  if (!m || !/^\d{2}:\d{2}:\d{2}$/.test(time))
    throw new WebhookPayloadError(`${what} is not a Zabbix date/time`);
  return parseTime(`${m[1]}-${m[2]}-${m[3]}T${time}${utcOffset === 'Z' ? 'Z' : utcOffset}`, what);
}

export function normalizeZabbix(
  body: unknown,
  ctx: NormalizeContext & { utcOffset: string },
): WebhookAlertInput[] {
  const parsed = ZabbixPayload.safeParse(body);
  if (!parsed.success)
    throw new WebhookPayloadError(`not a Nagare Zabbix media payload: ${issues(parsed.error)}`);
  const z0 = parsed.data;
  if (z0.event_value !== '0' && z0.event_value !== '1') {
    throw new WebhookPayloadError(`event_value must be 1 (problem) or 0 (recovery), got ${z0.event_value}`);
  }
  const resolved = z0.event_value === '0';
  const labels: Record<string, string> = {};
  for (const [k, v] of [
    ['host', z0.host_host],
    ['host_name', z0.host_name],
    ['host_ip', z0.host_ip],
    ['trigger_id', z0.trigger_id],
  ] as const) {
    const value = unresolved(v);
    if (value !== undefined) labels[k] = value;
  }
  const tags = unresolved(z0.event_tags);
  if (tags) {
    let list: unknown;
    try {
      list = JSON.parse(tags);
    } catch {
      throw new WebhookPayloadError('event_tags is not the JSON of {EVENT.TAGSJSON}');
    }
    const parsedTags = z.array(z.object({ tag: z.string(), value: z.string() })).safeParse(list);
    if (!parsedTags.success) throw new WebhookPayloadError('event_tags is not the JSON of {EVENT.TAGSJSON}');
    for (const t of parsedTags.data) labels[`tag_${t.tag}`] = t.value;
  }
  const nsev = Number(unresolved(z0.event_nseverity) ?? Number.NaN);
  const severity =
    Number.isInteger(nsev) && nsev >= 0 && nsev <= 5
      ? ZABBIX_SEVERITY[nsev]!
      : severityFromWord(z0.event_severity);
  const recoveryDate = unresolved(z0.event_recovery_date);
  const recoveryTime = unresolved(z0.event_recovery_time);
  const annotations: Record<string, string> = {};
  for (const [k, v] of [
    ['subject', z0.alert_subject],
    ['message', z0.alert_message],
    ['opdata', z0.event_opdata],
    ['severity', z0.event_severity],
  ] as const) {
    const value = unresolved(v);
    if (value !== undefined) annotations[k] = value;
  }
  return [
    {
      source: 'ZABBIX',
      sourceName: ctx.sourceName,
      // A recovery notification carries the problem's {EVENT.ID}, so raise and resolve pair up.
      fingerprint: z0.event_id,
      status: resolved ? 'RESOLVED' : 'FIRING',
      severity,
      title: unresolved(z0.event_name) ?? unresolved(z0.alert_subject) ?? `Zabbix event ${z0.event_id}`,
      description: unresolved(z0.trigger_description) ?? null,
      hostId: unresolved(z0.nagare_host_id) ?? null,
      labels,
      annotations,
      startsAt: zabbixTime(z0.event_date, z0.event_time, ctx.utcOffset, 'event_date/event_time'),
      endsAt:
        resolved && recoveryDate && recoveryTime
          ? zabbixTime(recoveryDate, recoveryTime, ctx.utcOffset, 'event_recovery_date/time')
          : resolved
            ? ctx.receivedAt
            : null,
      generatorUrl: unresolved(z0.event_url) ?? null,
      receivedAt: ctx.receivedAt,
    },
  ];
}

/** Where the fields of a generic JSON alert are (RFC 6901 JSON pointers). */
export const GenericMapping = z.strictObject({
  /** Pointer to an array of alerts; when absent the body is one alert. Other pointers are relative to each alert. */
  alerts: z.string().optional(),
  fingerprint: z.string().optional(),
  status: z.string().optional(),
  /** Values (lower-cased) that mean resolved; everything else is firing. */
  resolvedValues: z.array(z.string()).default(['resolved', 'ok', 'recovered', 'closed', '0', 'false']),
  severity: z.string().optional(),
  /** Source severity value (lower-cased) → 0..3; unmapped words use the common scale. */
  severityMap: z.record(z.string(), z.number().int().min(0).max(3)).default({}),
  title: z.string(),
  description: z.string().optional(),
  /** Pointer to an object of string labels. */
  labels: z.string().optional(),
  /** Extra labels, each from its own pointer. */
  labelPointers: z.record(z.string(), z.string()).default({}),
  annotations: z.string().optional(),
  startsAt: z.string().optional(),
  endsAt: z.string().optional(),
  hostId: z.string().optional(),
  generatorUrl: z.string().optional(),
});
export type GenericMapping = z.infer<typeof GenericMapping>;

/** RFC 6901 JSON pointer ("" is the whole document). */
export function jsonPointer(doc: unknown, pointer: string): unknown {
  if (pointer === '') return doc;
  if (!pointer.startsWith('/')) throw new Error(`JSON pointer must start with "/": ${pointer}`);
  let cur: unknown = doc;
  for (const raw of pointer.slice(1).split('/')) {
    const token = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(cur)) {
      if (!/^(0|[1-9]\d*)$/.test(token)) return undefined;
      cur = cur[Number(token)];
    } else if (cur !== null && typeof cur === 'object') {
      cur = Object.hasOwn(cur, token) ? (cur as Record<string, unknown>)[token] : undefined;
    } else {
      return undefined;
    }
  }
  return cur;
}

const scalar = (v: unknown): string | undefined =>
  typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : undefined;

function stringMap(v: unknown, what: string): Record<string, string> {
  if (v === undefined || v === null) return {};
  if (typeof v !== 'object' || Array.isArray(v)) throw new WebhookPayloadError(`${what} is not an object`);
  const out: Record<string, string> = {};
  for (const [k, val] of Object.entries(v)) {
    const s = scalar(val);
    if (s !== undefined) out[k] = s;
  }
  return out;
}

function genericTime(v: unknown, what: string): number | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v === 'number') return v < 1e11 ? Math.round(v * 1000) : Math.round(v); // seconds or ms
  if (typeof v === 'string') return /^\d+$/.test(v) ? genericTime(Number(v), what) : parseTime(v, what);
  throw new WebhookPayloadError(`${what} is not a time`);
}

export function normalizeGeneric(
  body: unknown,
  ctx: NormalizeContext & { mapping: GenericMapping },
): WebhookAlertInput[] {
  const m = ctx.mapping;
  const items = m.alerts === undefined ? [body] : jsonPointer(body, m.alerts);
  if (!Array.isArray(items) || items.length === 0)
    throw new WebhookPayloadError(`${m.alerts} is not a non-empty array`);
  return items.map((item, i) => {
    const at = (p: string | undefined) => (p === undefined ? undefined : jsonPointer(item, p));
    const title = scalar(at(m.title));
    if (!title) throw new WebhookPayloadError(`alert ${i}: no title at ${m.title}`);
    const labels = stringMap(at(m.labels), `alert ${i} labels`);
    for (const [name, p] of Object.entries(m.labelPointers)) {
      const v = scalar(jsonPointer(item, p));
      if (v !== undefined) labels[name] = v;
    }
    const status = scalar(at(m.status))?.toLowerCase();
    const resolved = status !== undefined && m.resolvedValues.includes(status);
    const sevRaw = scalar(at(m.severity));
    const severity =
      sevRaw === undefined
        ? 1
        : (m.severityMap[sevRaw.toLowerCase()] ??
          (/^[0-3]$/.test(sevRaw) ? Number(sevRaw) : severityFromWord(sevRaw)));
    const fingerprint = scalar(at(m.fingerprint)) ?? labelFingerprint({ ...labels, __title: title });
    return {
      source: 'GENERIC',
      sourceName: ctx.sourceName,
      fingerprint,
      status: resolved ? 'RESOLVED' : 'FIRING',
      severity,
      title,
      description: scalar(at(m.description)) ?? null,
      hostId: scalar(at(m.hostId)) ?? labels[ctx.hostLabel] ?? null,
      labels,
      annotations: stringMap(at(m.annotations), `alert ${i} annotations`),
      startsAt: genericTime(at(m.startsAt), `alert ${i} startsAt`) ?? ctx.receivedAt,
      endsAt: resolved ? (genericTime(at(m.endsAt), `alert ${i} endsAt`) ?? ctx.receivedAt) : null,
      generatorUrl: scalar(at(m.generatorUrl)) ?? null,
      receivedAt: ctx.receivedAt,
    } satisfies WebhookAlertInput;
  });
}

function issues(err: z.ZodError): string {
  return err.issues
    .slice(0, 5)
    .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
    .join('; ');
}
