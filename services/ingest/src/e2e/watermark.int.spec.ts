import { randomBytes } from 'node:crypto';
import { MemorySchemaRegistry } from '@nagare/contracts';
import { describeWithServer, redisTestUrl } from '@nagare/testkit';
import Redis from 'ioredis';
import { MemoryAgentIdentity } from '../ports/agent-identity';
import { MemoryRecordSink } from '../ports/record-sink';
import { RedisSequenceStore } from '../ports/sequence-store';
import { metricBatch } from '../testing/fixtures';
import { startTestIngest } from '../testing/harness';

describeWithServer('redis', 'agent watermark shared by two instances through Redis', () => {
  it('resumes on another instance after the last acked sequence and answers replays DUPLICATE', async () => {
    const prefix = `nagare:test:ingest:${randomBytes(4).toString('hex')}:`;
    const redis = new Redis(redisTestUrl());
    const common = {
      sink: new MemoryRecordSink(),
      registry: new MemorySchemaRegistry(),
      identity: new MemoryAgentIdentity(),
      sequences: new RedisSequenceStore(redis, prefix),
    };
    const a = await startTestIngest({ instanceId: 'a' }, common);
    const b = await startTestIngest({ instanceId: 'b' }, common);
    try {
      const agent = await a.enroll();
      const onA = a.connect(agent.credential);
      await onA.welcome;
      for (const s of [1, 2, 3]) {
        expect(
          (await onA.send({ body: { 'nagare.telemetry.MetricBatch': metricBatch(s, Date.now()) } }, s))
            .status,
        ).toBe('ACCEPTED');
      }
      onA.close();
      const onB = b.connect(agent.credential);
      expect((await onB.welcome).lastAckedSequence).toBe(3);
      const replay = await onB.send(
        { body: { 'nagare.telemetry.MetricBatch': metricBatch(3, Date.now()) } },
        3,
      );
      expect(replay.status).toBe('DUPLICATE');
      // the HTTP door of the first instance sees B's progress too
      await onB.send({ body: { 'nagare.telemetry.MetricBatch': metricBatch(4, Date.now()) } }, 4);
      const res = await fetch(`${a.ingest.url}/api/v1/metrics/batch`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${agent.credential}` },
        body: JSON.stringify(metricBatch(4, Date.now())),
      });
      expect(await res.json()).toEqual({ sequence: 4, status: 'DUPLICATE' });
      expect(common.sink.topic('telemetry.metrics')).toHaveLength(4);
    } finally {
      await a.close();
      await b.close();
      const keys = await redis.keys(`${prefix}*`);
      if (keys.length) await redis.del(...keys);
      redis.disconnect();
    }
  });
});
