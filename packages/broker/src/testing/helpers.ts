import { spawnSync } from 'node:child_process';
import { isCi, tempDir } from '@nagare/testkit';
import { type BrokerHandle, type BrokerOptions, startBroker } from '../startBroker';

/** A broker on a free port in a fresh temp dir, tuned for fast tests. */
export async function testBroker(
  opts: Partial<BrokerOptions> = {},
): Promise<BrokerHandle & { dataDir: string; cleanup(): Promise<void> }> {
  const dir = opts.dataDir ? { path: opts.dataDir, cleanup: () => {} } : tempDir('nagare-broker-');
  const broker = await startBroker({
    port: 0,
    host: '127.0.0.1',
    initialRebalanceDelayMs: 0,
    fsync: 'none',
    defaultPartitions: 1,
    ...opts,
    dataDir: dir.path,
  });
  return Object.assign(broker, {
    dataDir: dir.path,
    async cleanup() {
      await broker.stop();
      dir.cleanup();
    },
  });
}

let kcatChecked: string | undefined | null = null;

/** Why kcat cannot be used, or undefined when it is installed. */
export function kcatMissing(): string | undefined {
  if (kcatChecked === null) {
    const r = spawnSync('kcat', ['-V'], { encoding: 'utf8' });
    kcatChecked = r.error || r.status !== 0 ? 'kcat is not installed (apt-get install -y kcat)' : undefined;
  }
  return kcatChecked;
}

/** `describe` for suites that need kcat: fails under CI=true when missing, skips with a reason otherwise. */
export function describeWithKcat(title: string, body: () => void): void {
  const missing = kcatMissing();
  if (!missing) {
    describe(title, body);
    return;
  }
  if (isCi()) {
    describe(title, () => {
      it('needs kcat', () => {
        throw new Error(`required tool missing under CI=true: ${missing}`);
      });
    });
    return;
  }
  console.warn(`skipping "${title}": ${missing}`);
  describe.skip(title, body);
}

export const silentLogCreator = () => () => {};
