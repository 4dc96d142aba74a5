// Public surface of @nagare/command for other packages (benchmarks, the launcher); the
// runnable service is dist/main.js.
import 'reflect-metadata';

export { AlertService } from './alert/alert.service';
export { CommandAppModule } from './app.module';
export { CommandLifecycle, dispatchFromEvents } from './command/command-lifecycle.service';
export {
  CommandSideLifecycle,
  CommandSideModule,
  type CommandSideOptions,
  createCommandSide,
} from './command-side.module';
export { type CommandServiceConfig, commandConfigFrom, commandEnvSchema } from './config/config';
export { HostService } from './host/host.service';
export { type IncomingRecord, type IngressConsumer, IngressRouter } from './ingress/ingress-router';
export { Clock, ManualClock, SystemClock } from './io/clock';
export { connectProducer, createKafka, KafkaIngress, KafkaRecordSink } from './io/kafka';
export { MemoryRecordSink, type OutgoingRecord, type RecordSink } from './io/record-sink';
export { CommandPolicyConfig, defaultCommandPolicy } from './policy/command-policy';
export { RuleEngine } from './rule-engine/rule-engine';
export { RuleEvaluator } from './rule-engine/rule-evaluator.service';
export { SilenceService } from './silence/silence.service';
export { AggregateStore } from './store/aggregate-store';
export { BYTES_FIELDS, fromStoredData, toStoredData } from './store/event-codec';
export type { EventStorePort, RecordedEvent } from './store/event-store.port';
export { MemoryEventStore } from './store/memory-event-store';
export { CommandSideViews } from './views/command-side-views';
