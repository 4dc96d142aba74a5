import { createHash, createHmac } from 'node:crypto';
import { startTestIngest, type TestIngest } from '../testing/harness';
import amFiring from './fixtures/alertmanager-firing.json';
import zbxProblem from './fixtures/zabbix-problem.json';
import zbxRecovery from './fixtures/zabbix-recovery.json';

const token = 'am-token-0123456789';
const hmacSecret = 'zabbix-shared-secret';

describe('webhook endpoints', () => {
  let t: TestIngest;
  beforeAll(async () => {
    t = await startTestIngest(
      {
        webhookMaxBytes: 8192,
        webhookBurst: 1000,
        webhookSources: [
          {
            name: 'prom-eu',
            format: 'alertmanager',
            auth: { type: 'bearer', tokenSha256: createHash('sha256').update(token).digest('hex') },
          },
          { name: 'zabbix-main', format: 'zabbix', auth: { type: 'hmac', secret: 'env:ZBX_SECRET' } },
          {
            name: 'pager',
            format: 'generic',
            auth: { type: 'bearer', tokenSha256: createHash('sha256').update(token).digest('hex') },
            mapping: { fingerprint: '/id', title: '/summary', status: '/state' },
          },
        ],
      },
      { env: { ZBX_SECRET: hmacSecret } },
    );
  });
  afterAll(() => t.close());

  const post = (path: string, body: string, headers: Record<string, string>) =>
    fetch(`${t.ingest.url}/api/v1/webhooks/${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body,
    });
  const sign = (body: string) => `sha256=${createHmac('sha256', hmacSecret).update(body).digest('hex')}`;

  it('accepts a real Alertmanager notification with the bearer token and keys alerts by source|fingerprint', async () => {
    const res = await post('alertmanager/prom-eu', JSON.stringify(amFiring), {
      authorization: `Bearer ${token}`,
    });
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ accepted: 2, fingerprints: ['0a5d6f1b2c3e4f70', '7f3e0c9d8b1a2e45'] });
    const recs = await t.values<{ status: string }>('ingest.webhooks');
    expect(recs.slice(-2).map((r) => r.key)).toEqual([
      'prom-eu|0a5d6f1b2c3e4f70',
      'prom-eu|7f3e0c9d8b1a2e45',
    ]);
  });

  it('accepts Zabbix problem and recovery signed with HMAC-SHA256 of the raw body', async () => {
    for (const payload of [zbxProblem, zbxRecovery]) {
      const body = JSON.stringify(payload);
      const res = await post('zabbix/zabbix-main', body, { 'x-nagare-signature': sign(body) });
      expect(res.status).toBe(202);
    }
    const recs = (await t.values<{ status: string }>('ingest.webhooks')).filter(
      (r) => r.key === 'zabbix-main|8841207',
    );
    expect(recs.map((r) => r.value.status)).toEqual(['FIRING', 'RESOLVED']);
  });

  it('refuses bad credentials with 401 and nothing produced', async () => {
    const before = t.sink.records.length;
    const body = JSON.stringify(zbxProblem);
    const cases = [
      post('alertmanager/prom-eu', JSON.stringify(amFiring), { authorization: 'Bearer wrong' }),
      post('alertmanager/prom-eu', JSON.stringify(amFiring), {}),
      post('zabbix/zabbix-main', body, { 'x-nagare-signature': sign(`${body} `) }),
      post('zabbix/prom-eu', JSON.stringify(amFiring), { authorization: `Bearer ${token}` }),
      post('alertmanager/nobody', JSON.stringify(amFiring), { authorization: `Bearer ${token}` }),
    ];
    for (const res of await Promise.all(cases)) {
      expect(res.status).toBe(401);
      expect(await res.json()).toEqual({ error: { code: 'UNAUTHENTICATED', message: expect.any(String) } });
    }
    expect(t.sink.records.length).toBe(before);
  });

  it('refuses malformed and oversized payloads with 4xx and dead-letters the raw body', async () => {
    const auth = { authorization: `Bearer ${token}` };
    const bad = await post('alertmanager/prom-eu', '{"version":"4","alerts":', auth);
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { code: string } }).error.code).toBe('SCHEMA_INVALID');
    const wrong = await post('generic/pager', JSON.stringify({ id: 'x' }), auth);
    expect(wrong.status).toBe(400);
    const big = await post('generic/pager', JSON.stringify({ id: 'y', summary: 'x'.repeat(10_000) }), auth);
    expect(big.status).toBe(413);
    const dlq = await t.values<{ errorCode: string; value: Buffer }>('ingest.webhooks.dlq');
    expect(dlq.map((d) => d.value.errorCode)).toEqual(['SCHEMA_INVALID', 'SCHEMA_INVALID', 'TOO_LARGE']);
    expect(dlq[0]?.value.value.toString()).toBe('{"version":"4","alerts":');
    expect(dlq[0]?.key).toBe('prom-eu');
  });

  it('rate-limits a source past its bucket with 429 and a dead letter', async () => {
    const limited = await startTestIngest({
      webhookBurst: 1,
      webhookRatePerSec: 0.001,
      webhookSources: [
        {
          name: 'noisy',
          format: 'alertmanager',
          auth: { type: 'bearer', tokenSha256: createHash('sha256').update(token).digest('hex') },
        },
      ],
    });
    try {
      const send = () =>
        fetch(`${limited.ingest.url}/api/v1/webhooks/alertmanager/noisy`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body: JSON.stringify(amFiring),
        });
      expect((await send()).status).toBe(202);
      const second = await send();
      expect([second.status, ((await second.json()) as { error: { code: string } }).error.code]).toEqual([
        429,
        'RATE_LIMITED',
      ]);
      const dlq = await limited.values<{ errorCode: string }>('ingest.webhooks.dlq');
      expect(dlq.map((d) => d.value.errorCode)).toEqual(['RATE_LIMITED']);
      expect(limited.sink.topic('ingest.webhooks')).toHaveLength(2);
    } finally {
      await limited.close();
    }
  });

  it('answers unknown formats with 404 in the error shape', async () => {
    const res = await post('nagios/x', '{}', {});
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('NOT_FOUND');
  });
});
