import 'reflect-metadata';
import { HttpSchemaRegistry, MemorySchemaRegistry } from '@nagare/contracts';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { CommandAppModule } from './app.module';
import { loadConfig } from './config/config';
import { IngressRouter } from './ingress/ingress-router';
import { connectProducer, createKafka, KafkaIngress, KafkaRecordSink } from './io/kafka';
import { MemoryEventStore } from './store/memory-event-store';

/** `node dist/main.js`: the command service (configuration from the environment, see docs/command-service.md). */
async function main(): Promise<void> {
  const log = new Logger('command');
  const config = loadConfig();
  if (config.kafka.brokers.length === 0)
    throw new Error('NAGARE_KAFKA_BROKERS is required (comma-separated host:port)');
  if (!config.signingKey)
    throw new Error('NAGARE_COMMAND_SIGNING_KEY or NAGARE_COMMAND_SIGNING_KEY_FILE is required');
  const registry = config.kafka.registryUrl
    ? new HttpSchemaRegistry(config.kafka.registryUrl)
    : new MemorySchemaRegistry();
  if (!config.kafka.registryUrl)
    log.warn('NAGARE_SCHEMA_REGISTRY_URL not set: schema ids are local to this process');
  // The PostgreSQL event store adapter is wired here once @nagare/event-store is on main.
  const store = new MemoryEventStore();
  log.warn('event store: in-memory (events do not survive a restart)');
  const kafka = createKafka(config.kafka.brokers);
  const producer = await connectProducer(kafka);
  const app = await NestFactory.create(
    CommandAppModule.forRoot({ config, store, registry, sink: new KafkaRecordSink(producer) }),
    { bufferLogs: false },
  );
  const ingress = new KafkaIngress(kafka, config.kafka.groupId, app.get(IngressRouter));
  await app.listen(config.http.port, config.http.host);
  await ingress.start();
  log.log(
    `listening on ${config.http.host}:${config.http.port}, consuming ${config.kafka.brokers.join(',')}`,
  );
  const stop = async (signal: string) => {
    log.log(`${signal}: stopping`);
    await ingress.stop();
    await app.close();
    await producer.disconnect();
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
}

main().catch((err: Error) => {
  console.error(`nagare-command: ${err.message}`);
  process.exit(1);
});
