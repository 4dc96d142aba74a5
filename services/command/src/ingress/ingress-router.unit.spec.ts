import { RecordCodec } from '@nagare/contracts';
import { t0 } from '../testing/fixtures';
import { type Harness, hostFacts, startHarness } from '../testing/harness';
import { CommandSideViews } from '../views/command-side-views';

const webhook = (status: 'FIRING' | 'RESOLVED', over = {}) => ({
  source: 'ALERTMANAGER' as const,
  sourceName: 'prom-eu',
  fingerprint: 'c1a9f3b2',
  status,
  severity: 2,
  title: 'HighErrorRate on api',
  labels: { alertname: 'HighErrorRate', service: 'api' },
  annotations: {},
  startsAt: t0 - 60_000,
  endsAt: status === 'RESOLVED' ? t0 + 60_000 : null,
  receivedAt: t0,
  ...over,
});

describe('IngressRouter', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(() => h.close());

  async function deadLetters(topic: string) {
    const codec = new RecordCodec(h.registry);
    return Promise.all(
      h.sink
        .on(`${topic}.dlq`)
        .map(async (r) => (await codec.decodeAs(r.value, 'nagare.dlq.DeadLetter')).value),
    );
  }

  it('registers a host from telemetry.inventory, then records only changed facts', async () => {
    await h.feed('telemetry.inventory', 'nagare.telemetry.HostFacts', hostFacts('host-1'));
    await h.feed(
      'telemetry.inventory',
      'nagare.telemetry.HostFacts',
      hostFacts('host-1', { agentSequence: 2 }),
    );
    await h.feed(
      'telemetry.inventory',
      'nagare.telemetry.HostFacts',
      hostFacts('host-1', { agentSequence: 3, kernel: '6.12' }),
    );
    expect(await h.types('host')).toEqual(['HostRegistered', 'HostFactsUpdated']);
    const [, updated] = await h.store.readStream('host-host-1');
    expect((updated!.data as { changed: string[] }).changed).toEqual(['kernel']);
    expect(updated!.metadata.causationId).toBe('telemetry.inventory:0:2');
  });

  it('raises an alert from a firing webhook once, and resolves it from the resolved one', async () => {
    await h.feed('ingest.webhooks', 'nagare.ingest.WebhookAlert', webhook('FIRING'));
    await h.feed(
      'ingest.webhooks',
      'nagare.ingest.WebhookAlert',
      webhook('FIRING', { receivedAt: t0 + 30_000 }),
    );
    await h.feed('ingest.webhooks', 'nagare.ingest.WebhookAlert', webhook('RESOLVED'));
    await h.feed('ingest.webhooks', 'nagare.ingest.WebhookAlert', webhook('RESOLVED'));
    expect(await h.types('alert')).toEqual(['AlertRaised', 'AlertResolved']);
    const [raised, resolved] = await h.store.readAll({ category: 'alert' });
    expect(raised!.data).toMatchObject({
      origin: 'WEBHOOK',
      sourceName: 'prom-eu',
      fingerprint: 'webhook:prom-eu|c1a9f3b2',
    });
    expect(resolved!.data).toMatchObject({ resolution: 'WEBHOOK', endsAt: t0 + 60_000 });
    expect(h.get(CommandSideViews).activeAlerts.size).toBe(0);
  });

  it('sends undecodable records to the DLQ with the reason, and keeps going', async () => {
    expect(await h.feedRaw('ingest.webhooks', Buffer.from('not avro'))).toBe('dead-lettered');
    expect(await h.feedRaw('ingest.webhooks', null)).toBe('dead-lettered');
    expect(await h.feed('ingest.webhooks', 'nagare.ingest.WebhookAlert', webhook('FIRING'))).toBe('handled');
    const letters = await deadLetters('ingest.webhooks');
    expect(letters.map((l) => l.errorCode)).toEqual(['WIRE_FORMAT', 'EMPTY_RECORD']);
    expect(letters[0]).toMatchObject({
      originalTopic: 'ingest.webhooks',
      originalOffset: 0,
      service: 'command',
      value: Buffer.from('not avro'),
    });
  });

  it('dead-letters a record of the wrong kind for the topic', async () => {
    const value = await h.codec.encode(
      'telemetry.inventory',
      'nagare.telemetry.HostFacts',
      hostFacts('host-1'),
    );
    expect(await h.feedRaw('ingest.webhooks', value)).toBe('dead-lettered');
    expect((await deadLetters('ingest.webhooks'))[0]!.errorCode).toBe('UNKNOWN_RECORD');
  });

  it('dead-letters records a domain rule refuses (facts of a decommissioned host, output for an unknown command)', async () => {
    await h.feed('telemetry.inventory', 'nagare.telemetry.HostFacts', hostFacts('host-1'));
    await h.store.append('host-host-1', 'any', [
      { type: 'HostDecommissioned', data: { hostId: 'host-1', reason: 'gone' } },
    ]);
    expect(
      await h.feed(
        'telemetry.inventory',
        'nagare.telemetry.HostFacts',
        hostFacts('host-1', { agentSequence: 9 }),
      ),
    ).toBe('dead-lettered');
    expect(
      await h.feed('agent.command-output', 'nagare.command.CommandStarted', {
        commandId: 'nope',
        hostId: 'host-1',
        agentId: 'a',
        agentSequence: 1,
        pid: 1,
        startedAt: t0,
      }),
    ).toBe('dead-lettered');
    expect((await deadLetters('telemetry.inventory'))[0]!.errorCode).toBe('HOST_DECOMMISSIONED');
    expect((await deadLetters('agent.command-output'))[0]!.errorCode).toBe('COMMAND_NOT_FOUND');
  });

  it('dead-letters what the event store refuses as input (retrying could not help)', async () => {
    h.store.append = async () => {
      throw Object.assign(new Error('data must not contain NUL characters'), {
        name: 'EventStoreInputError',
      });
    };
    expect(await h.feed('ingest.webhooks', 'nagare.ingest.WebhookAlert', webhook('FIRING'))).toBe(
      'dead-lettered',
    );
    expect((await deadLetters('ingest.webhooks'))[0]).toMatchObject({ errorCode: 'EVENT_REJECTED' });
  });

  it('throws (so the consumer retries) when the event store fails, instead of dead-lettering', async () => {
    h.store.append = async () => {
      throw new Error('connection reset');
    };
    await expect(h.feed('ingest.webhooks', 'nagare.ingest.WebhookAlert', webhook('FIRING'))).rejects.toThrow(
      'connection reset',
    );
    expect(h.sink.on('ingest.webhooks.dlq')).toHaveLength(0);
  });
});
