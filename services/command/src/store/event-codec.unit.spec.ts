import { domainEventContracts } from '@nagare/contracts';
import { BYTES_FIELDS, fromStoreActor, fromStoredData, toStoreActor, toStoredData } from './event-codec';

describe('event codec', () => {
  it('knows every bytes field of every domain event', () => {
    const found: Record<string, string[]> = {};
    for (const [type, contract] of domainEventContracts) {
      for (const [field, schema] of Object.entries(contract.data.shape)) {
        const s = schema as { safeParse(v: unknown): { success: boolean } };
        if (s.safeParse(Buffer.alloc(1)).success && !s.safeParse('x').success)
          found[type] = [...(found[type] ?? []), field];
      }
    }
    expect(found).toEqual(BYTES_FIELDS);
  });

  it('round-trips bytes through JSON as base64', () => {
    const data = { commandId: 'c', stream: 'STDOUT', seq: 0, data: Buffer.from([0, 255, 10]) };
    const stored = JSON.parse(JSON.stringify(toStoredData({ type: 'CommandOutputRecorded', data })));
    expect(stored.data).toBe('AP8K');
    expect(fromStoredData('CommandOutputRecorded', stored)).toEqual(data);
  });

  it('refuses data that breaks the contract', () => {
    expect(() => toStoredData({ type: 'AlertAcknowledged', data: { alertId: 1 } })).toThrow();
    expect(() => toStoredData({ type: 'NoSuchEvent', data: {} })).toThrow('unknown domain event type');
  });

  it('maps actors both ways', () => {
    const a = { kind: 'API_KEY' as const, id: 'k1', name: null };
    expect(fromStoreActor(toStoreActor(a))).toEqual(a);
  });
});
