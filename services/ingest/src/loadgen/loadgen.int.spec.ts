import { startTestIngest } from '../testing/harness';
import { percentile, runLoadgen } from './loadgen';

describe('loadgen', () => {
  it('streams batches from simulated agents over the real protocol and counts what was acked', async () => {
    const t = await startTestIngest({ hostBurst: 1_000_000, hostRatePerSec: 1e9 });
    try {
      const progress: number[] = [];
      const result = await runLoadgen({
        url: t.ingest.url,
        tokens: [t.identity.issueToken(), t.identity.issueToken(), t.identity.issueToken()],
        series: 10,
        intervalMs: 0,
        window: 4,
        durationMs: 2500,
        onProgress: (p) => progress.push(p.connected),
      });
      expect(result.agents).toBe(3);
      expect(result.rejected).toBe(0);
      expect(result.acceptedSamples).toBe(result.acceptedBatches * 10);
      expect(result.acceptedBatches).toBeGreaterThan(0);
      // every acked batch is in the log (a few more may have been produced as the run stopped)
      expect(t.sink.topic('telemetry.metrics').length).toBeGreaterThanOrEqual(result.acceptedBatches);
      expect(result.ackP99Ms).toBeGreaterThanOrEqual(result.ackP50Ms);
      expect(progress).toContain(3);
    } finally {
      await t.close();
    }
  });

  it('computes nearest-rank percentiles', () => {
    const xs = Array.from({ length: 100 }, (_, i) => i + 1);
    expect([percentile(xs, 50), percentile(xs, 99), percentile(xs, 100), percentile([], 50)]).toEqual([
      50, 99, 100, 0,
    ]);
  });
});
