import { contractSamples, type RecordName, validateRecord } from '@nagare/contracts';
import { openReadModels, type ProjectionName } from '@nagare/projector';
import type { Pool } from 'pg';

type Event = { name: RecordName; value: unknown };

let position = 0;

/** A domain event as the relay puts it on events.* (validated against its contract). */
export function event(
  name: RecordName,
  streamId: string,
  streamVersion: number,
  data: Record<string, unknown>,
  occurredAt: number,
  actor: { kind?: string; id: string; name: string } = { id: 'user-1', name: 'mira' },
): Event {
  const value = validateRecord(name, {
    ...data,
    meta: {
      eventId: `evt-${streamId}-${streamVersion}`,
      eventType: name.slice(name.lastIndexOf('.') + 1),
      schemaVersion: 1,
      streamId,
      streamVersion,
      globalPosition: ++position,
      occurredAt,
      recordedAt: occurredAt + 1,
      correlationId: null,
      causationId: null,
      actor: { kind: actor.kind ?? 'USER', id: actor.id, name: actor.name },
    },
  } as never);
  return { name, value };
}

export const sample = <N extends RecordName>(name: N) =>
  ({ ...(contractSamples[name][0] as object) }) as Record<string, unknown>;

/**
 * Builds the read models with the projector's own code: migrations, then each projection
 * applying the given records, as the running projector would.
 */
export async function project(pool: Pool, byTopic: Record<string, Event[]>): Promise<void> {
  const models = await openReadModels({ pool, schema: 'nagare_read', timescale: 'off' });
  const topicOf: Record<string, ProjectionName> = {
    'telemetry.metrics': 'metrics',
    'events.hosts': 'hosts',
    'events.alerts': 'alerts',
    'events.commands': 'commands',
  };
  for (const [topic, records] of Object.entries(byTopic)) {
    const source = records.map((r, i) => ({ topic, partition: 0, offset: i, name: r.name, value: r.value }));
    const projection = topicOf[topic];
    if (projection) await models.runner(projection).applyChunk(source);
    if (topic.startsWith('events.')) await models.runner('audit').applyChunk(source);
  }
}
