import { contractSamples, MemorySchemaRegistry, RecordCodec } from '@nagare/contracts';
import type { RecordedEvent } from '@nagare/event-store';
import { toStoredData } from './event-codec';
import { avroEventEncoder } from './relay-encoder';

describe('relay encoder', () => {
  it('turns a stored event into its contract record, readable by any consumer of the topic', async () => {
    const codec = new RecordCodec(new MemorySchemaRegistry());
    const { meta, ...data } = contractSamples['nagare.events.commands.CommandDispatched'][0]!;
    const stored: RecordedEvent = {
      streamId: 'command-cmd-01',
      streamVersion: 3,
      globalPosition: 1_048_577n,
      eventId: meta.eventId,
      type: 'CommandDispatched',
      schemaVersion: 1,
      data: toStoredData({ type: 'CommandDispatched', data } as never),
      metadata: {
        eventId: meta.eventId,
        schemaVersion: 1,
        occurredAt: new Date(meta.occurredAt).toISOString(),
        correlationId: 'req-7f3c',
        actor: { type: 'user', id: 'user-42', name: 'mira' },
      } as never,
      occurredAt: new Date(meta.occurredAt),
      recordedAt: new Date(meta.recordedAt),
      prevHash: '0'.repeat(64),
      hash: 'f'.repeat(64),
    };
    const encoded = await avroEventEncoder(codec)(stored);
    expect(encoded.key).toBe('command-cmd-01');
    const decoded = await codec.decodeAs(encoded.value as Buffer, 'nagare.events.commands.CommandDispatched');
    expect(decoded.value).toMatchObject({
      ...data,
      meta: {
        eventId: meta.eventId,
        streamId: 'command-cmd-01',
        streamVersion: 2,
        globalPosition: 1_048_577,
        actor: { kind: 'USER', id: 'user-42', name: 'mira' },
        correlationId: 'req-7f3c',
      },
    });
    expect(Buffer.isBuffer(decoded.value.signature)).toBe(true);
  });
});
