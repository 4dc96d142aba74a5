import 'reflect-metadata';
import { HttpSchemaRegistry, MemorySchemaRegistry } from '@nagare/contracts';
import { runService, tcpCheck } from '@nagare/service-kit';
import type { Producer } from 'kafkajs';
import { CommandAppModule } from './app.module';
import { commandConfigFrom, commandEnvSchema } from './config/config';
import { connectProducer, createKafka, KafkaIngress, KafkaRecordSink } from './io/kafka';
import { MemoryEventStore } from './store/memory-event-store';

/** `node dist/main.js`: the command service (environment: docs/command-service.md). */
let producer: Producer | undefined;

void runService({
  name: 'command',
  config: commandEnvSchema,
  module: async (env) => {
    const config = commandConfigFrom(env);
    if (!config.signingKey) throw new Error('COMMAND_SIGNING_KEY or COMMAND_SIGNING_KEY_FILE is required');
    const registry = config.kafka.registryUrl
      ? new HttpSchemaRegistry(config.kafka.registryUrl)
      : new MemorySchemaRegistry();
    const kafka = createKafka(config.kafka.brokers);
    producer = await connectProducer(kafka);
    // The PostgreSQL event store adapter is wired here once @nagare/event-store is on main.
    const store = new MemoryEventStore();
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
    ctx.closeHooks.register('kafka-producer', async () => producer?.disconnect());
    ctx.logger.warn('event store: in-memory (events do not survive a restart)');
    if (!ctx.config.SCHEMA_REGISTRY_URL) {
      ctx.logger.warn('SCHEMA_REGISTRY_URL not set: schema ids are local to this process');
    }
  },
});
