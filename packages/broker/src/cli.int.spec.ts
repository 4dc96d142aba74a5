import { spawn } from 'node:child_process';
import path from 'node:path';
import { tempDir } from '@nagare/testkit';
import { Kafka, logLevel } from 'kafkajs';

const runTs = path.join(__dirname, '../../../tools/run-ts.cjs');
const cliMain = path.join(__dirname, 'testing/cliProcess.ts');

describe('nagare broker (CLI)', () => {
  it('starts on the given port and data dir with the schema registry and topic definitions, stops on SIGTERM', async () => {
    const dir = tempDir('nagare-cli-broker-');
    const topicsFile = path.join(__dirname, '../../../redpanda/topics.yaml');
    const child = spawn(
      process.execPath,
      [
        runTs,
        cliMain,
        'broker',
        '--data-dir',
        dir.path,
        '--port',
        '0',
        '--registry-port',
        '0',
        '--topics',
        topicsFile,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    try {
      const [address, registryUrl] = await new Promise<[string, string]>((resolve, reject) => {
        let out = '';
        child.stdout!.on('data', (d) => {
          out += d;
          const m = /listening on (\S+)/.exec(out);
          const r = /schema registry on (\S+)/.exec(out);
          if (m && r) resolve([m[1]!, r[1]!]);
        });
        child.once('exit', (code) => reject(new Error(`exited ${code}`)));
      });
      expect(await (await fetch(`${registryUrl}/subjects`)).json()).toEqual([]);
      const kafka = new Kafka({ clientId: 'cli', brokers: [address], logLevel: logLevel.NOTHING });
      const admin = kafka.admin();
      await admin.connect();
      await admin.createTopics({ topics: [{ topic: 'from-cli' }] });
      expect(await admin.listTopics()).toEqual(
        expect.arrayContaining(['from-cli', 'telemetry.metrics', 'events.alerts']),
      );
      const meta = await admin.fetchTopicMetadata({ topics: ['telemetry.metrics'] });
      expect(meta.topics[0]!.partitions).toHaveLength(12);
      await admin.disconnect();
      const exit = new Promise<number | null>((r) => child.once('exit', r));
      child.kill('SIGTERM');
      expect(await exit).toBe(0);
    } finally {
      child.kill('SIGKILL');
      dir.cleanup();
    }
  }, 30_000);

  it('refuses a bad --fsync value with a clear error', async () => {
    const child = spawn(process.execPath, [runTs, cliMain, 'broker', '--fsync', 'sometimes', '--port', '0'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let err = '';
    child.stderr!.on('data', (d) => {
      err += d;
    });
    const code = await new Promise<number | null>((r) => child.once('exit', r));
    expect(code).toBe(1);
    expect(err).toContain('--fsync must be batch, interval or none');
  }, 30_000);
});
