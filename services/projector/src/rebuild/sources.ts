import { type RecordName, topicCatalog } from '@nagare/contracts';
import type { DomainEvent, SourceRecord } from '../projections/projection';

/** Pseudo-topic under which event-store positions are tracked during a rebuild. */
export const EVENTS_TOPIC = '$events';

/** Where a rebuild reads from. */
export interface RebuildSource {
  readonly description: string;
  /** Records expected, for the progress bar (undefined when unknown). */
  total(): Promise<number | undefined>;
  /** Feeds every record up to the end of the source as of now, in order, in chunks. */
  run(apply: (records: SourceRecord[]) => Promise<void>): Promise<void>;
  /**
   * Runs while the swap holds the projection's lock (live writers wait), to read what was
   * appended meanwhile. Topic sources need none: the live consumer is re-positioned instead.
   */
  catchUp?(apply: (records: SourceRecord[]) => Promise<void>): Promise<void>;
  /** True when the rebuilt offsets replace the live consumer offsets (topic sources). */
  readonly replacesOffsets: boolean;
}

export interface StoredEvent {
  /** Global position in the event store. */
  position: number;
  /** null for an event without a contract (skipped, but its position counts). */
  name: RecordName | null;
  /** The full record: data fields and `meta`. */
  value: DomainEvent | null;
}

/** The part of the event store a rebuild needs: read the global log forward from a position. */
export interface EventLog {
  /** Events with position >= from, at most `max`, in global order. */
  read(from: number, max: number): Promise<StoredEvent[]>;
  /** Number of events (for progress), when cheap to know. */
  count?(): Promise<number>;
}

/** Replays an event log through a projection, keeping only the topics it consumes. */
export class EventLogSource implements RebuildSource {
  readonly replacesOffsets = false;
  readonly description: string;
  private position = 0;

  constructor(
    private readonly log: EventLog,
    private readonly topicsOfRecord: (name: RecordName) => string | undefined,
    private readonly topics: readonly string[],
    private readonly chunkSize = 2000,
  ) {
    this.description = 'the event store';
  }

  async total() {
    return this.log.count?.();
  }

  async run(apply: (records: SourceRecord[]) => Promise<void>): Promise<void> {
    for (;;) {
      const events = await this.log.read(this.position, this.chunkSize);
      if (events.length === 0) return;
      const records: SourceRecord[] = [];
      for (const e of events) {
        const topic = e.name ? this.topicsOfRecord(e.name) : undefined;
        if (e.name && topic && this.topics.includes(topic)) {
          records.push({
            topic: EVENTS_TOPIC,
            partition: 0,
            offset: e.position,
            name: e.name,
            value: e.value,
            eventTopic: topic,
          });
        }
      }
      this.position = events[events.length - 1]!.position + 1;
      await apply(records);
    }
  }

  catchUp(apply: (records: SourceRecord[]) => Promise<void>): Promise<void> {
    return this.run(apply);
  }
}

/** An event log held in memory (tests, and replays of exported logs). */
export class MemoryEventLog implements EventLog {
  private readonly events: StoredEvent[] = [];

  append(name: RecordName, value: DomainEvent): StoredEvent {
    const stored = { position: this.events.length, name, value };
    this.events.push(stored);
    return stored;
  }

  async read(from: number, max: number): Promise<StoredEvent[]> {
    return this.events.slice(from, from + max);
  }

  async count(): Promise<number> {
    return this.events.length;
  }
}

/** The topic a record travels on, from the topic catalog (undefined for records on no topic). */
export function topicOfRecord(name: RecordName): string | undefined {
  return topicCatalog.find((t) => !t.name.endsWith('.dlq') && t.values.includes(name))?.name;
}

/** Records already in hand, replayed as if read from their topics (offsets included). */
export class RecordListSource implements RebuildSource {
  readonly replacesOffsets = true;
  readonly description = 'records in memory';

  constructor(
    private readonly records: SourceRecord[],
    private readonly chunkSize = 1000,
  ) {}

  async total() {
    return this.records.length;
  }

  async run(apply: (records: SourceRecord[]) => Promise<void>): Promise<void> {
    for (let i = 0; i < this.records.length; i += this.chunkSize)
      await apply(this.records.slice(i, i + this.chunkSize));
  }
}
