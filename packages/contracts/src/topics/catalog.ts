import type { RecordName } from '../records';

/** How long a topic keeps records; -1 keeps them forever. */
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export interface TopicSpec {
  name: string;
  /** What the record key is; records with the same key keep their order. */
  key: string;
  /** Avro records that may appear as values (each registered under `<topic>-<record name>`). */
  values: readonly RecordName[];
  partitions: number;
  retentionMs: number;
  cleanupPolicy: 'delete' | 'compact';
  description: string;
}

const domainEvents = (name: string, what: string, values: readonly RecordName[]): TopicSpec => ({
  name,
  key: 'stream id',
  values,
  partitions: 6,
  retentionMs: -1,
  cleanupPolicy: 'delete',
  description: `Domain events of ${what}, relayed from the event store in stream order. Consumers dedupe by meta.eventId.`,
});

const primaryTopics: TopicSpec[] = [
  {
    name: 'telemetry.metrics',
    key: 'host id',
    values: ['nagare.telemetry.MetricBatch'],
    partitions: 12,
    retentionMs: 7 * DAY,
    cleanupPolicy: 'delete',
    description: 'Metric sample batches from agents, with agent sequence numbers.',
  },
  {
    name: 'telemetry.inventory',
    key: 'host id',
    values: ['nagare.telemetry.HostFacts'],
    partitions: 3,
    retentionMs: -1,
    cleanupPolicy: 'compact',
    description:
      'Host facts (OS, kernel, CPUs, memory, disks, NICs with link capacity, GPUs); the latest per host is kept.',
  },
  {
    name: 'ingest.webhooks',
    key: 'source name + fingerprint',
    values: ['nagare.ingest.WebhookAlert'],
    partitions: 3,
    retentionMs: 14 * DAY,
    cleanupPolicy: 'delete',
    description: 'Normalized alerts from Alertmanager, Zabbix and generic JSON webhooks.',
  },
  {
    name: 'agent.command-dispatch',
    key: 'host id',
    values: ['nagare.command.CommandDispatch', 'nagare.command.CommandCancel'],
    partitions: 6,
    retentionMs: DAY,
    cleanupPolicy: 'delete',
    description:
      'Signed commands (and cancellations) for one host; agents verify the Ed25519 signature and expiry.',
  },
  {
    name: 'agent.command-output',
    key: 'command id',
    values: [
      'nagare.command.CommandStarted',
      'nagare.command.CommandOutputChunk',
      'nagare.command.CommandFinished',
    ],
    partitions: 6,
    retentionMs: 7 * DAY,
    cleanupPolicy: 'delete',
    description: 'Command start, output chunks in sequence, and the final outcome, as agents report them.',
  },
  domainEvents('events.hosts', 'Host aggregates', [
    'nagare.events.hosts.HostRegistered',
    'nagare.events.hosts.HostFactsUpdated',
    'nagare.events.hosts.HostLabelsChanged',
    'nagare.events.hosts.HostWentOffline',
    'nagare.events.hosts.HostCameOnline',
    'nagare.events.hosts.HostDecommissioned',
  ]),
  domainEvents('events.alerts', 'Alert aggregates', [
    'nagare.events.alerts.AlertRaised',
    'nagare.events.alerts.AlertAcknowledged',
    'nagare.events.alerts.AlertEscalated',
    'nagare.events.alerts.AlertSilenced',
    'nagare.events.alerts.AlertNoteAdded',
    'nagare.events.alerts.AlertDiagnosed',
    'nagare.events.alerts.AlertResolved',
  ]),
  domainEvents('events.commands', 'Command aggregates', [
    'nagare.events.commands.CommandRequested',
    'nagare.events.commands.CommandApproved',
    'nagare.events.commands.CommandRejected',
    'nagare.events.commands.CommandDispatched',
    'nagare.events.commands.CommandStarted',
    'nagare.events.commands.CommandOutputRecorded',
    'nagare.events.commands.CommandCompleted',
    'nagare.events.commands.CommandFailed',
    'nagare.events.commands.CommandTimedOut',
    'nagare.events.commands.CommandCancelled',
  ]),
  domainEvents('events.rules', 'AlertRule and Silence aggregates', [
    'nagare.events.rules.AlertRuleDefined',
    'nagare.events.rules.AlertRuleChanged',
    'nagare.events.rules.AlertRuleDeleted',
    'nagare.events.rules.SilenceDefined',
    'nagare.events.rules.SilenceSuppressed',
    'nagare.events.rules.SilenceExpired',
  ]),
  domainEvents('events.assets', 'Asset aggregates (the digital twin)', [
    'nagare.events.assets.AssetPlaced',
    'nagare.events.assets.AssetRemoved',
  ]),
  {
    name: 'projections.updates',
    key: 'view key',
    values: ['nagare.projections.ProjectionUpdate'],
    partitions: 3,
    retentionMs: HOUR,
    cleanupPolicy: 'delete',
    description: 'What changed in a read model after each projector commit, for live views.',
  },
];

/** Dead-letter topics: `<topic>.dlq` for every topic, plus agent.frames.dlq for undecodable agent frames. */
export const dlqOf = (topic: string): string => `${topic}.dlq`;
const deadLetterTopic = (origin: string): TopicSpec => ({
  name: dlqOf(origin),
  key: 'original key',
  values: ['nagare.dlq.DeadLetter'],
  partitions: 1,
  retentionMs: 30 * DAY,
  cleanupPolicy: 'delete',
  description: `Records rejected on their way to or from ${origin}, untouched, with the reason.`,
});

export const topicCatalog: readonly TopicSpec[] = [
  ...primaryTopics,
  ...[...primaryTopics.map((t) => t.name), 'agent.frames'].map(deadLetterTopic),
];

export function topicSpec(name: string): TopicSpec {
  const spec = topicCatalog.find((t) => t.name === name);
  if (!spec) throw new Error(`unknown topic ${name}`);
  return spec;
}

/** Confluent TopicRecordNameStrategy: one subject per (topic, record), so a topic may carry several records. */
export const subjectFor = (topic: string, record: string): string => `${topic}-${record}`;
