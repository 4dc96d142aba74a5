import { type RecordInput, type RecordName, validateRecord } from '@nagare/contracts';
import type { SourceRecord } from '../projections/projection';

let eventCounter = 0;

/** A domain event record as the relay puts it on events.* (validated against its contract). */
export function domainEvent<N extends RecordName>(
  name: N,
  streamId: string,
  streamVersion: number,
  data: Omit<RecordInput<N>, 'meta'>,
  overrides: { actorId?: string; occurredAt?: number; eventId?: string; globalPosition?: number } = {},
): { name: N; value: unknown } {
  const type = name.slice(name.lastIndexOf('.') + 1);
  const at = overrides.occurredAt ?? Date.UTC(2026, 10, 22, 9, 0, 0) + streamVersion * 1000;
  const value = validateRecord(name, {
    ...data,
    meta: {
      eventId: overrides.eventId ?? `evt-${streamId}-${streamVersion}`,
      eventType: type,
      schemaVersion: 1,
      streamId,
      streamVersion,
      globalPosition: overrides.globalPosition ?? ++eventCounter,
      occurredAt: at,
      recordedAt: at + 1,
      correlationId: null,
      causationId: null,
      actor: { kind: 'USER', id: overrides.actorId ?? 'user-1', name: 'mira' },
    },
  } as unknown as RecordInput<N>);
  return { name, value };
}

/** Places records on a topic partition at consecutive offsets starting at `from`. */
export function atOffsets(
  topic: string,
  partition: number,
  from: number,
  records: { name: RecordName; value: unknown }[],
): SourceRecord[] {
  return records.map((r, i) => ({ topic, partition, offset: from + i, name: r.name, value: r.value }));
}

/** Deterministic PRNG (mulberry32) so random tests reproduce from their seed. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Host facts for host events (a small but complete HostFacts record). */
export const hostFacts = validateRecord('nagare.telemetry.HostFacts', {
  hostId: 'host-1',
  agentId: 'agent-1',
  agentSequence: 1,
  collectedAt: Date.UTC(2026, 10, 22, 9),
  hostname: 'db-1',
  os: { name: 'Debian GNU/Linux', version: '12', id: 'debian' },
  kernel: '6.1.0-18-amd64',
  arch: 'x86_64',
  cpu: { model: 'AMD EPYC 7B13', cores: 8, threads: 16, mhz: 2450 },
  memoryBytes: 68_719_476_736,
  agentVersion: '0.1.0',
});
