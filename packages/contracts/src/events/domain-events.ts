import type { z } from 'zod';
import { type RecordName, recordValidators } from '../records';
import { topicCatalog } from '../topics/catalog';

/**
 * The domain events of every aggregate: event type (the record's short name) → its Avro
 * record, its topic, and the zod schema of its data (the record without `meta`, which is
 * what the event store keeps as the event body).
 */
export interface DomainEventContract {
  type: string;
  record: RecordName;
  topic: string;
  data: z.ZodObject;
}

export const domainEventContracts: ReadonlyMap<string, DomainEventContract> = new Map(
  topicCatalog
    .filter((t) => t.name.startsWith('events.') && !t.name.endsWith('.dlq'))
    .flatMap((topic) =>
      topic.values.map((record): [string, DomainEventContract] => {
        const type = record.slice(record.lastIndexOf('.') + 1);
        const full = recordValidators[record] as unknown as z.ZodObject;
        return [type, { type, record, topic: topic.name, data: full.omit({ meta: true }) }];
      }),
    ),
);

export function domainEventContract(type: string): DomainEventContract {
  const contract = domainEventContracts.get(type);
  if (!contract) throw new Error(`unknown domain event type ${type}`);
  return contract;
}
