import { EventStoreLog, type RecordedEventLike, toDomainRecord } from './event-store-log';

const recorded = (over: Partial<RecordedEventLike> = {}): RecordedEventLike => ({
  streamId: 'alert-1',
  streamVersion: 1,
  globalPosition: 17n,
  eventId: '0192f0a4-0000-7000-8000-000000000001',
  type: 'AlertRaised',
  schemaVersion: 1,
  data: {
    alertId: 'alert-1',
    fingerprint: 'fp',
    origin: 'RULE',
    severity: 2,
    title: 'CPU busy',
    startsAt: 1_790_000_000_000,
  },
  metadata: { correlationId: 'req-1', actor: { type: 'user', id: 'u1', name: 'mira' } },
  occurredAt: new Date(1_790_000_000_000),
  recordedAt: new Date(1_790_000_000_005),
  ...over,
});

describe('event store records as domain records', () => {
  it('maps positions, versions (1-based to 0-based) and actors onto EventMetadata', () => {
    const { position, name, value } = toDomainRecord(recorded());
    expect(position).toBe(17);
    expect(name).toBe('nagare.events.alerts.AlertRaised');
    expect(value?.meta).toMatchObject({
      eventType: 'AlertRaised',
      streamId: 'alert-1',
      streamVersion: 0,
      globalPosition: 17,
      recordedAt: 1_790_000_000_005,
      correlationId: 'req-1',
      actor: { kind: 'USER', id: 'u1', name: 'mira' },
    });
  });

  it('rejects data that does not satisfy the contract with the field named', () => {
    expect(() => toDomainRecord(recorded({ data: { alertId: 'alert-1' } }))).toThrow(/fingerprint/);
  });

  it('reads after the previous position and skips types without a contract', async () => {
    const calls: unknown[] = [];
    const log = new EventStoreLog({
      readAll: async (options) => {
        calls.push(options);
        return [recorded({ type: 'SomethingNew', globalPosition: 20n }), recorded({ globalPosition: 21n })];
      },
    });
    const events = await log.read(20, 100);
    expect(calls).toEqual([{ after: 19n, maxCount: 100 }]);
    expect(events.map((e) => [e.position, e.name])).toEqual([
      [20, null],
      [21, 'nagare.events.alerts.AlertRaised'],
    ]);
    expect(log.skipped).toBe(1);
  });
});
