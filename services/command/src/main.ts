import 'reflect-metadata';
import { HttpSchemaRegistry, MemorySchemaRegistry, RecordCodec } from '@nagare/contracts';
import { createRelayProducer, PostgresCheckpointStore, PostgresEventStore, Relay } from '@nagare/event-store';
import { runService, tcpCheck } from '@nagare/service-kit';
import type { Producer } from 'kafkajs';
import { z } from 'zod';
import { CommandAppModule } from './app.module';
import { commandConfigFrom, commandEnvSchema } from './config/config';
import { connectProducer, createKafka, KafkaIngress, KafkaRecordSink } from './io/kafka';
import { avroEventEncoder } from './store/relay-encoder';

/** `node dist/main.js`: the command service (environment: docs/command-service.md). */
let producer: Producer | undefined;
let store: PostgresEventStore | undefined;
let relayProducer: Producer | undefined;
let relay: Relay | undefined;

void runService({
  name: 'command',
  config: commandEnvSchema.extend({
    /** PostgreSQL holding the event store (migrated on first use). */
    DATABASE_URL: z.string().min(1),
    EVENT_STORE_SCHEMA: z
      .string()
      .regex(/^[a-z_][a-z0-9_]{0,62}$/)
      .default('nagare_es'),
  }),
  module: async (env) => {
    const config = commandConfigFrom(env);
    if (!config.signingKey) throw new Error('COMMAND_SIGNING_KEY or COMMAND_SIGNING_KEY_FILE is required');
    const registry = config.kafka.registryUrl
      ? new HttpSchemaRegistry(config.kafka.registryUrl)
      : new MemorySchemaRegistry();
    const kafka = createKafka(config.kafka.brokers);
    producer = await connectProducer(kafka);
    store = new PostgresEventStore({ connectionString: env.DATABASE_URL, schema: env.EVENT_STORE_SCHEMA });
    // The relay is this service's outbox: every committed event goes to its events.* topic, in stream order.
    relayProducer = createRelayProducer(kafka);
    await relayProducer.connect();
    relay = new Relay({
      store,
      checkpoints: new PostgresCheckpointStore({
        connectionString: env.DATABASE_URL,
        schema: env.EVENT_STORE_SCHEMA,
      }),
      producer: relayProducer,
      encode: avroEventEncoder(new RecordCodec(registry)),
      onError: (err) => console.error(`relay: ${String(err)}`),
    });
    await relay.start();
    return CommandAppModule.forRoot({
      config,
      store,
      registry,
      sink: new KafkaRecordSink(producer),
      consumer: new KafkaIngress(kafka, config.kafka.groupId),
    });
  },
  configure: (_app, ctx) => {
    const [host = '127.0.0.1', port = '9092'] = (ctx.config.KAFKA_BROKERS[0] ?? '').split(':');
    ctx.health.register('broker', tcpCheck(host, Number(port)));
    ctx.health.register('event-store', () => store!.headPosition());
    ctx.closeHooks.register('kafka-producer', async () => producer?.disconnect());
    ctx.closeHooks.register('event-store', async () => store?.close());
    ctx.closeHooks.register('relay', async () => {
      await relay?.stop();
      await relayProducer?.disconnect();
    });
    if (!ctx.config.SCHEMA_REGISTRY_URL) {
      ctx.logger.warn('SCHEMA_REGISTRY_URL not set: schema ids are local to this process');
    }
  },
});
