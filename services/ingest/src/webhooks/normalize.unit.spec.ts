import { validateRecord } from '@nagare/contracts';
import amFiring from './fixtures/alertmanager-firing.json';
import amResolved from './fixtures/alertmanager-resolved.json';
import zbxProblem from './fixtures/zabbix-problem.json';
import zbxRecovery from './fixtures/zabbix-recovery.json';
import {
  GenericMapping,
  jsonPointer,
  labelFingerprint,
  normalizeAlertmanager,
  normalizeGeneric,
  normalizeZabbix,
  WebhookPayloadError,
} from './normalize';

const receivedAt = Date.UTC(2026, 10, 22, 2, 42, 0);
const ctx = { sourceName: 'prom-eu', receivedAt, hostLabel: 'nagare_host_id' };

describe('Alertmanager v4 payloads', () => {
  it('normalizes a grouped firing notification into one alert each', () => {
    const alerts = normalizeAlertmanager(amFiring, ctx);
    expect(alerts).toHaveLength(2);
    for (const a of alerts) validateRecord('nagare.ingest.WebhookAlert', a);
    expect(alerts[0]).toMatchObject({
      source: 'ALERTMANAGER',
      sourceName: 'prom-eu',
      fingerprint: '0a5d6f1b2c3e4f70',
      status: 'FIRING',
      severity: 1,
      title: 'Filesystem has less than 5% space left.',
      hostId: 'host-0192f0a4-7c1e-7b3a-9d2e-5f6a7b8c9d0e',
      startsAt: Date.parse('2026-11-22T02:14:37.811Z'),
      endsAt: null,
    });
    expect(alerts[0]?.labels.mountpoint).toBe('/');
    expect(alerts[1]).toMatchObject({ fingerprint: '7f3e0c9d8b1a2e45', severity: 2, hostId: null });
  });

  it('pairs the resolved notification with the firing one by fingerprint', () => {
    const [resolved] = normalizeAlertmanager(amResolved, ctx);
    expect(resolved).toMatchObject({
      fingerprint: '0a5d6f1b2c3e4f70',
      status: 'RESOLVED',
      endsAt: Date.parse('2026-11-22T02:41:52.811Z'),
    });
  });

  it('fingerprints by labels when the sender gives none, and refuses other versions', () => {
    const noFp = structuredClone(amFiring) as { alerts: Record<string, unknown>[] };
    delete noFp.alerts[0]!.fingerprint;
    const [a] = normalizeAlertmanager(noFp, ctx);
    expect(a?.fingerprint).toBe(labelFingerprint(amFiring.alerts[0]!.labels as Record<string, string>));
    expect(() => normalizeAlertmanager({ ...amFiring, version: '3' }, ctx)).toThrow(WebhookPayloadError);
    expect(() => normalizeAlertmanager({ ...amFiring, alerts: [] }, ctx)).toThrow(WebhookPayloadError);
  });
});

describe('Zabbix media-type payloads', () => {
  const z = { ...ctx, sourceName: 'zabbix-main', utcOffset: '+01:00' };

  it('normalizes a problem, treating unresolved macros as absent', () => {
    const [a] = normalizeZabbix(zbxProblem, z);
    validateRecord('nagare.ingest.WebhookAlert', a);
    expect(a).toMatchObject({
      source: 'ZABBIX',
      fingerprint: '8841207',
      status: 'FIRING',
      severity: 2,
      title: 'Zabbix agent is not available (for 3m)',
      startsAt: Date.parse('2026-11-22T02:21:04+01:00'),
      endsAt: null,
      generatorUrl: 'https://zabbix.example.net/tr_events.php?triggerid=23077&eventid=8841207',
    });
    expect(a?.labels).toMatchObject({ host: 'web-eu-3', trigger_id: '23077', tag_scope: 'availability' });
  });

  it('normalizes the recovery with the same fingerprint and its recovery time', () => {
    const [a] = normalizeZabbix(zbxRecovery, z);
    expect(a).toMatchObject({
      fingerprint: '8841207',
      status: 'RESOLVED',
      endsAt: Date.parse('2026-11-22T02:38:49+01:00'),
    });
  });

  it('maps the six Zabbix severities onto four', () => {
    const sev = (n: string) => normalizeZabbix({ ...zbxProblem, event_nseverity: n }, z)[0]?.severity;
    expect(['0', '1', '2', '3', '4', '5'].map(sev)).toEqual([0, 0, 1, 2, 2, 3]);
  });

  it('refuses payloads that are not the documented shape', () => {
    expect(() => normalizeZabbix({ ...zbxProblem, event_value: '7' }, z)).toThrow(WebhookPayloadError);
    expect(() => normalizeZabbix({ ...zbxProblem, event_date: '22/11/2026' }, z)).toThrow(
      WebhookPayloadError,
    );
    expect(() => normalizeZabbix({ ...zbxProblem, event_tags: 'not json' }, z)).toThrow(WebhookPayloadError);
    expect(() => normalizeZabbix({ hello: 1 }, z)).toThrow(WebhookPayloadError);
  });
});

describe('generic JSON mapping', () => {
  const mapping = GenericMapping.parse({
    alerts: '/incidents',
    fingerprint: '/id',
    status: '/state',
    severity: '/level',
    severityMap: { p1: 3, p2: 2 },
    title: '/summary',
    description: '/details/text',
    labels: '/tags',
    labelPointers: { service: '/service/name' },
    startsAt: '/opened',
    endsAt: '/closed',
  });
  const body = {
    incidents: [
      {
        id: 'INC-1',
        state: 'open',
        level: 'P1',
        summary: 'Checkout latency above SLO',
        details: { text: 'p99 1.8s' },
        tags: { region: 'eu', nagare_host_id: 'host-1' },
        service: { name: 'checkout' },
        opened: 1_795_000_000,
      },
      {
        id: 'INC-0',
        state: 'Resolved',
        level: 'warning',
        summary: 'Disk',
        opened: '2026-11-22T01:00:00Z',
        closed: '2026-11-22T01:30:00Z',
      },
    ],
  };

  it('reads every field through its JSON pointer', () => {
    const [a, b] = normalizeGeneric(body, { ...ctx, sourceName: 'pager', mapping });
    expect(a).toMatchObject({
      source: 'GENERIC',
      fingerprint: 'INC-1',
      status: 'FIRING',
      severity: 3,
      title: 'Checkout latency above SLO',
      description: 'p99 1.8s',
      hostId: 'host-1',
      labels: { region: 'eu', nagare_host_id: 'host-1', service: 'checkout' },
      startsAt: 1_795_000_000_000,
    });
    expect(b).toMatchObject({ status: 'RESOLVED', severity: 1, endsAt: Date.parse('2026-11-22T01:30:00Z') });
    for (const x of [a, b]) validateRecord('nagare.ingest.WebhookAlert', x);
  });

  it('refuses a body without the mapped title or alert list', () => {
    expect(() => normalizeGeneric({ incidents: [{ id: 'x' }] }, { ...ctx, mapping })).toThrow(/no title/);
    expect(() => normalizeGeneric({ nope: true }, { ...ctx, mapping })).toThrow(WebhookPayloadError);
  });

  it('follows RFC 6901 escapes', () => {
    expect(jsonPointer({ 'a/b': { '~c': 1 } }, '/a~1b/~0c')).toBe(1);
    expect(jsonPointer([10, 20], '/1')).toBe(20);
    expect(jsonPointer({ a: 1 }, '/constructor')).toBeUndefined();
  });
});
