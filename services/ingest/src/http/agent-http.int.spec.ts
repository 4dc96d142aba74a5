import { encodeAvro } from '@nagare/contracts';
import { hostFacts, metricBatch } from '../testing/fixtures';
import { startTestIngest, type TestIngest } from '../testing/harness';

describe('agent HTTP endpoints and enrollment', () => {
  let t: TestIngest;
  beforeAll(async () => {
    t = await startTestIngest({ maxFrameBytes: 4096 });
  });
  afterAll(() => t.close());

  const post = (path: string, body: string | Buffer, headers: Record<string, string> = {}) =>
    fetch(`${t.ingest.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body,
    });
  const json = async (res: Response) =>
    (await res.json()) as { error: { code: string }; [field: string]: unknown };

  it('enrolls with a one-time token, produces the facts, and refuses the token a second time', async () => {
    const token = t.identity.issueToken();
    // As the agent sends them: the HostFacts body without identity or sequence.
    const { hostId: _h, agentId: _a, agentSequence: _s, ...facts } = hostFacts(0, Date.now());
    const res = await post('/api/v1/agents/enroll', JSON.stringify({ token, hostname: 'db-eu-1', facts }));
    expect(res.status).toBe(201);
    const body = await json(res);
    expect(body).toMatchObject({
      signingPublicKey: 'test-public-key',
      facts: { status: 'ACCEPTED', sequence: -1 },
    });
    expect(body.credential).toMatch(/^ngc_/);
    const inv = await t.values<{ hostId: string }>('telemetry.inventory');
    expect(inv.at(-1)?.value.hostId).toBe(body.hostId);
    // the enrollment facts leave the agent's sequence space untouched
    const batch = {
      hostId: '',
      agentId: '',
      agentSequence: 0,
      collectedAt: Date.now(),
      intervalMs: 5000,
      samples: [],
    };
    const first = await post('/api/v1/metrics/batch', JSON.stringify(batch), {
      authorization: `Bearer ${body.credential}`,
    });
    expect(await json(first)).toEqual({ sequence: 0, status: 'ACCEPTED' });
    const again = await post('/api/v1/agents/enroll', JSON.stringify({ token, hostname: 'db-eu-1' }));
    expect(again.status).toBe(403);
    expect((await json(again)).error.code).toBe('TOKEN_USED');
  });

  it('does not spend the token on a malformed enrollment', async () => {
    const token = t.identity.issueToken();
    const bad = await post(
      '/api/v1/agents/enroll',
      JSON.stringify({ token, hostname: 'x', facts: { kernel: 3 } }),
    );
    expect(bad.status).toBe(400);
    expect((await post('/api/v1/agents/enroll', JSON.stringify({ token, hostname: 'x' }))).status).toBe(201);
  });

  it('accepts JSON and Avro metric batches with the same dedup as the socket', async () => {
    const agent = await t.enroll();
    const auth = { authorization: `Bearer ${agent.credential}` };
    const r1 = await post('/api/v1/metrics/batch', JSON.stringify(metricBatch(1, Date.now())), auth);
    expect(r1.status).toBe(200);
    expect(await json(r1)).toEqual({ sequence: 1, status: 'ACCEPTED' });
    const avro = encodeAvro('nagare.agent.AgentFrame', {
      body: { 'nagare.telemetry.MetricBatch': metricBatch(2, Date.now()) },
    });
    const r2 = await post('/api/v1/metrics/batch', avro, {
      ...auth,
      'content-type': 'application/vnd.nagare.avro',
    });
    expect(await json(r2)).toEqual({ sequence: 2, status: 'ACCEPTED' });
    const r3 = await post('/api/v1/metrics/batch', JSON.stringify(metricBatch(2, Date.now())), auth);
    expect(await json(r3)).toEqual({ sequence: 2, status: 'DUPLICATE' });
    const mine = (await t.values<{ hostId: string }>('telemetry.metrics')).filter(
      (r) => r.key === agent.hostId,
    );
    expect(mine).toHaveLength(2);
  });

  it('refuses without credential, for another host, stale, oversized, malformed or wrong kind', async () => {
    const a = await t.enroll('a');
    const b = await t.enroll('b');
    const auth = { authorization: `Bearer ${a.credential}` };
    const noAuth = await post('/api/v1/metrics/batch', JSON.stringify(metricBatch(1, Date.now())));
    expect(noAuth.status).toBe(401);
    const cases: [string | Buffer, number, string, Record<string, string>?][] = [
      [JSON.stringify({ ...metricBatch(1, Date.now()), hostId: b.hostId }), 403, 'HOST_MISMATCH'],
      [JSON.stringify(metricBatch(2, Date.now() - 7_200_000)), 422, 'STALE_TIMESTAMP'],
      [JSON.stringify(metricBatch(3, Date.now(), 200)), 413, 'TOO_LARGE'],
      ['{"agentSequence": 4', 400, 'SCHEMA_INVALID'],
      [JSON.stringify({ ...metricBatch(5, Date.now()), samples: 'many' }), 400, 'SCHEMA_INVALID'],
      [
        encodeAvro('nagare.agent.AgentFrame', {
          body: { 'nagare.telemetry.HostFacts': hostFacts(6, Date.now()) },
        }),
        400,
        'UNEXPECTED_FRAME',
        { 'content-type': 'application/vnd.nagare.avro' },
      ],
      ['hello', 415, 'UNSUPPORTED_MEDIA_TYPE', { 'content-type': 'text/plain' }],
    ];
    for (const [body, status, code, headers] of cases) {
      const res = await post('/api/v1/metrics/batch', body, { ...auth, ...headers });
      expect([res.status, (await json(res)).error.code]).toEqual([status, code]);
    }
    const dlq = await t.values<{ errorCode: string; hostId: string }>('telemetry.metrics.dlq');
    expect(dlq.filter((d) => d.value.hostId === a.hostId).map((d) => d.value.errorCode)).toEqual([
      'HOST_MISMATCH',
      'STALE_TIMESTAMP',
      'TOO_LARGE',
      'SCHEMA_INVALID',
      'SCHEMA_INVALID',
    ]);
    const frames = await t.values<{ errorCode: string }>('agent.frames.dlq');
    expect(frames.at(-1)?.value.errorCode).toBe('UNEXPECTED_FRAME');
  });

  it('takes facts, command events and results, keyed by command id', async () => {
    const agent = await t.enroll();
    const auth = { authorization: `Bearer ${agent.credential}` };
    expect(
      (await post('/api/v1/hosts/register', JSON.stringify(hostFacts(1, Date.now())), auth)).status,
    ).toBe(200);
    const chunk = {
      'nagare.command.CommandOutputChunk': {
        commandId: 'cmd-42',
        agentSequence: 2,
        stream: 'STDERR',
        seq: 0,
        data: Buffer.from('oops\n').toString('base64'),
        at: Date.now(),
      },
    };
    expect(await json(await post('/api/v1/events', JSON.stringify(chunk), auth))).toEqual({
      sequence: 2,
      status: 'ACCEPTED',
    });
    const finished = {
      commandId: 'cmd-42',
      agentSequence: 3,
      status: 'FAILED',
      exitCode: 1,
      durationMs: 12,
      finishedAt: Date.now(),
    };
    const wrongPath = await post('/api/v1/commands/cmd-41/result', JSON.stringify(finished), auth);
    expect([wrongPath.status, (await json(wrongPath)).error.code]).toEqual([400, 'COMMAND_MISMATCH']);
    expect((await post('/api/v1/commands/cmd-42/result', JSON.stringify(finished), auth)).status).toBe(200);
    const out = (await t.values<{ hostId: string; data?: Buffer }>('agent.command-output')).filter(
      (r) => r.key === 'cmd-42',
    );
    expect(out.map((r) => r.name)).toEqual([
      'nagare.command.CommandOutputChunk',
      'nagare.command.CommandFinished',
    ]);
    expect(out[0]?.value.data?.toString()).toBe('oops\n');
    expect(out.every((r) => r.value.hostId === agent.hostId)).toBe(true);
  });

  it('cuts off bodies over the hard cap with 413 in the error shape', async () => {
    const agent = await t.enroll();
    const res = await post('/api/v1/metrics/batch', Buffer.alloc(4 * 1024 * 1024 + 1, 0x20), {
      authorization: `Bearer ${agent.credential}`,
    });
    expect([res.status, (await json(res)).error.code]).toEqual([413, 'TOO_LARGE']);
  });

  it('serves /health and Prometheus /metrics', async () => {
    const health = await fetch(`${t.ingest.url}/health`);
    expect(health.status).toBe(200);
    expect(await json(health)).toMatchObject({ status: 'up' });
    const metrics = await (await fetch(`${t.ingest.url}/metrics`)).text();
    expect(metrics).toMatch(
      /nagare_ingest_frames_total\{endpoint="http",status="ACCEPTED",code="",service="ingest"\} \d+/,
    );
    expect(metrics).toMatch(
      /nagare_ingest_dead_letters_total\{topic="telemetry.metrics.dlq",code="STALE_TIMESTAMP",service="ingest"\} 1/,
    );
  });
});
