import { spawn } from 'node:child_process';
import { describeWithKcat, testBroker } from './testing/helpers';

type Broker = Awaited<ReturnType<typeof testBroker>>;

/** Runs kcat with `input` on stdin; resolves stdout, rejects on a non-zero exit. */
function kcat(args: string[], input?: string, timeoutMs = 20_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const p = spawn('kcat', args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    const timer = setTimeout(() => {
      p.kill('SIGKILL');
      reject(new Error(`kcat ${args.join(' ')} timed out; stderr: ${err}`));
    }, timeoutMs);
    p.stdout.on('data', (d) => {
      out += d;
    });
    p.stderr.on('data', (d) => {
      err += d;
    });
    p.on('close', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(out);
      else reject(new Error(`kcat ${args.join(' ')} exited ${code}: ${err}`));
    });
    p.stdin.end(input ?? '');
  });
}

describeWithKcat('kcat (librdkafka 2.0) against the broker', () => {
  let broker: Broker;
  let b: string;
  beforeAll(async () => {
    broker = await testBroker({ topics: [{ name: 'codecs', partitions: 4 }] });
    b = broker.brokers[0]!;
  });
  afterAll(async () => {
    await broker.cleanup();
  });

  it('lists metadata (-L) with the advertised broker and topics', async () => {
    const out = await kcat(['-b', b, '-L', '-t', 'codecs']);
    expect(out).toContain(`broker 1 at ${b} (controller)`);
    expect(out).toContain('topic "codecs" with 4 partitions');
  });

  it('produces (idempotent) and consumes plain records', async () => {
    const lines = Array.from({ length: 200 }, (_, i) => `line-${i}`);
    // Idempotent librdkafka producer: InitProducerId, sequence numbers, acks=all.
    await kcat(['-b', b, '-P', '-t', 'plain', '-X', 'enable.idempotence=true'], `${lines.join('\n')}\n`);
    const out = await kcat([
      '-b',
      b,
      '-C',
      '-t',
      'plain',
      '-o',
      'beginning',
      '-e',
      '-q',
      '-X',
      'check.crcs=true',
    ]);
    expect(out.trim().split('\n')).toEqual(lines);
  });

  it('balanced consumer group (-G) reads gzip, snappy, lz4 and zstd batches from kcat producers', async () => {
    const expected: string[] = [];
    for (const codec of ['gzip', 'snappy', 'lz4', 'zstd']) {
      const lines = Array.from({ length: 250 }, (_, i) => `k${i % 13}:${codec}-${i}`);
      expected.push(...lines.map((l) => l.split(':')[1]!));
      await kcat(['-b', b, '-P', '-t', 'codecs', '-K', ':', '-z', codec], `${lines.join('\n')}\n`);
    }
    const group = (name: string) =>
      kcat(
        [
          '-b',
          b,
          '-G',
          'kcat-group',
          'codecs',
          '-X',
          'auto.offset.reset=earliest',
          '-X',
          'check.crcs=true',
        ].concat(['-e', '-q', '-f', `${name} %p %s\\n`]),
        undefined,
        40_000,
      );
    const [one, two] = await Promise.all([group('one'), group('two')]);
    const got = `${one}${two}`
      .trim()
      .split('\n')
      .map((l) => l.split(' ')[2]!);
    expect(new Set(got)).toEqual(new Set(expected));
    // The group committed its positions: a new member starts at the end.
    const again = await kcat(['-b', b, '-G', 'kcat-group', 'codecs', '-e', '-q'], undefined, 30_000);
    expect(again.trim()).toBe('');
  }, 60_000);

  it('authenticates librdkafka with SASL SCRAM-SHA-256 and PLAIN', async () => {
    const secured = await testBroker({ sasl: { users: { bob: 'pw-bob' } } });
    try {
      const sb = secured.brokers[0]!;
      for (const mech of ['SCRAM-SHA-256', 'PLAIN']) {
        const auth = ['-X', 'security.protocol=SASL_PLAINTEXT', '-X', `sasl.mechanisms=${mech}`];
        const creds = ['-X', 'sasl.username=bob', '-X', 'sasl.password=pw-bob'];
        await kcat(['-b', sb, '-P', '-t', 'secured', ...auth, ...creds], `${mech}\n`);
        const out = await kcat([
          '-b',
          sb,
          '-C',
          '-t',
          'secured',
          '-o',
          'beginning',
          '-e',
          '-q',
          ...auth,
          ...creds,
        ]);
        expect(out).toContain(mech);
        await expect(
          kcat(
            ['-b', sb, '-L', '-m', '1', ...auth, '-X', 'sasl.username=bob', '-X', 'sasl.password=nope'],
            undefined,
            5000,
          ),
        ).rejects.toThrow(/SASL authentication error/);
      }
    } finally {
      await secured.cleanup();
    }
  }, 30_000);
});
