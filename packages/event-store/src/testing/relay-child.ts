// A relay in its own process, for the kill -9 test: DATABASE_URL, KAFKA_BROKERS, RELAY_NAME.
import { Kafka, logLevel } from 'kafkajs';
import { PostgresEventStore } from '../postgres/postgres-event-store';
import { PostgresCheckpointStore } from '../relay/checkpoints';
import { createRelayProducer, Relay } from '../relay/relay';

async function main(): Promise<void> {
  const url = process.env.DATABASE_URL;
  const brokers = process.env.KAFKA_BROKERS?.split(',');
  if (!url || !brokers) throw new Error('DATABASE_URL and KAFKA_BROKERS are required');
  const store = new PostgresEventStore({ connectionString: url, pollIntervalMs: 100 });
  const checkpoints = new PostgresCheckpointStore({ connectionString: url });
  const kafka = new Kafka({ clientId: 'relay-child', brokers, logLevel: logLevel.NOTHING });
  const producer = createRelayProducer(kafka);
  await producer.connect();
  const relay = new Relay({
    store,
    checkpoints,
    producer,
    name: process.env.RELAY_NAME ?? 'relay',
    batchSize: Number(process.env.RELAY_BATCH ?? 100),
    onError: (err) => console.error(`relay error: ${String(err)}`),
  });
  await relay.start();
  console.log('relay started');
  await relay.done;
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
