// Every top-level record of schemas/, by its full Avro name: the zod validator that matches it.
import type { z } from 'zod';
import {
  CommandCancel,
  CommandDispatch,
  CommandFinished,
  CommandOutputChunk,
  CommandStarted,
} from './agent-commands';
import { AgentFrame, ServerFrame } from './agent-protocol';
import { Actor, EventMetadata, LabelMatcher } from './common';
import { DeadLetter } from './dead-letters';
import {
  AlertAcknowledged,
  AlertDiagnosed,
  AlertEscalated,
  AlertNoteAdded,
  AlertRaised,
  AlertResolved,
  AlertSilenced,
} from './events/alerts';
import { AssetPlaced, AssetRemoved } from './events/assets';
import {
  CommandApproved,
  CommandCancelled,
  CommandCompleted,
  CommandDispatched,
  CommandFailed,
  CommandOutputRecorded,
  CommandRejected,
  CommandRequested,
  CommandStartedEvent,
  CommandTimedOut,
} from './events/commands';
import {
  HostCameOnline,
  HostDecommissioned,
  HostFactsUpdated,
  HostLabelsChanged,
  HostRegistered,
  HostWentOffline,
} from './events/hosts';
import {
  AlertRuleChanged,
  AlertRuleDefined,
  AlertRuleDeleted,
  SilenceDefined,
  SilenceExpired,
  SilenceSuppressed,
} from './events/rules';
import { ProjectionUpdate } from './projections';
import { HostFacts, MetricBatch } from './telemetry';
import { WebhookAlert } from './webhooks';

export const recordValidators = {
  'nagare.agent.AgentFrame': AgentFrame,
  'nagare.agent.ServerFrame': ServerFrame,
  'nagare.command.CommandCancel': CommandCancel,
  'nagare.command.CommandDispatch': CommandDispatch,
  'nagare.command.CommandFinished': CommandFinished,
  'nagare.command.CommandOutputChunk': CommandOutputChunk,
  'nagare.command.CommandStarted': CommandStarted,
  'nagare.dlq.DeadLetter': DeadLetter,
  'nagare.events.Actor': Actor,
  'nagare.events.EventMetadata': EventMetadata,
  'nagare.events.alerts.AlertAcknowledged': AlertAcknowledged,
  'nagare.events.alerts.AlertDiagnosed': AlertDiagnosed,
  'nagare.events.alerts.AlertEscalated': AlertEscalated,
  'nagare.events.alerts.AlertNoteAdded': AlertNoteAdded,
  'nagare.events.alerts.AlertRaised': AlertRaised,
  'nagare.events.alerts.AlertResolved': AlertResolved,
  'nagare.events.alerts.AlertSilenced': AlertSilenced,
  'nagare.events.assets.AssetPlaced': AssetPlaced,
  'nagare.events.assets.AssetRemoved': AssetRemoved,
  'nagare.events.commands.CommandApproved': CommandApproved,
  'nagare.events.commands.CommandCancelled': CommandCancelled,
  'nagare.events.commands.CommandCompleted': CommandCompleted,
  'nagare.events.commands.CommandDispatched': CommandDispatched,
  'nagare.events.commands.CommandFailed': CommandFailed,
  'nagare.events.commands.CommandOutputRecorded': CommandOutputRecorded,
  'nagare.events.commands.CommandRejected': CommandRejected,
  'nagare.events.commands.CommandRequested': CommandRequested,
  'nagare.events.commands.CommandStarted': CommandStartedEvent,
  'nagare.events.commands.CommandTimedOut': CommandTimedOut,
  'nagare.events.hosts.HostCameOnline': HostCameOnline,
  'nagare.events.hosts.HostDecommissioned': HostDecommissioned,
  'nagare.events.hosts.HostFactsUpdated': HostFactsUpdated,
  'nagare.events.hosts.HostLabelsChanged': HostLabelsChanged,
  'nagare.events.hosts.HostRegistered': HostRegistered,
  'nagare.events.hosts.HostWentOffline': HostWentOffline,
  'nagare.events.rules.AlertRuleChanged': AlertRuleChanged,
  'nagare.events.rules.AlertRuleDefined': AlertRuleDefined,
  'nagare.events.rules.AlertRuleDeleted': AlertRuleDeleted,
  'nagare.events.rules.SilenceDefined': SilenceDefined,
  'nagare.events.rules.SilenceExpired': SilenceExpired,
  'nagare.events.rules.SilenceSuppressed': SilenceSuppressed,
  'nagare.ingest.WebhookAlert': WebhookAlert,
  'nagare.projections.ProjectionUpdate': ProjectionUpdate,
  'nagare.rules.LabelMatcher': LabelMatcher,
  'nagare.telemetry.HostFacts': HostFacts,
  'nagare.telemetry.MetricBatch': MetricBatch,
} as const satisfies Record<string, z.ZodType>;

export type RecordName = keyof typeof recordValidators;
/** The decoded (output) type of a record, e.g. RecordOf<'nagare.telemetry.MetricBatch'>. */
export type RecordOf<N extends RecordName> = z.output<(typeof recordValidators)[N]>;
/** What a producer may pass (fields with defaults may be left out). */
export type RecordInput<N extends RecordName> = z.input<(typeof recordValidators)[N]>;
