import type {
  HostCameOnline,
  HostDecommissioned,
  HostFacts,
  HostFactsUpdated,
  HostLabelsChanged,
  HostRegistered,
  HostWentOffline,
} from '@nagare/contracts';
import {
  type CommandContext,
  type Decider,
  DomainError,
  type DomainEvent,
  type EventData,
} from '../shared/decider';
import { sameLabels } from '../shared/matchers';

export type HostEvent =
  | DomainEvent<'HostRegistered', EventData<HostRegistered>>
  | DomainEvent<'HostFactsUpdated', EventData<HostFactsUpdated>>
  | DomainEvent<'HostLabelsChanged', EventData<HostLabelsChanged>>
  | DomainEvent<'HostWentOffline', EventData<HostWentOffline>>
  | DomainEvent<'HostCameOnline', EventData<HostCameOnline>>
  | DomainEvent<'HostDecommissioned', EventData<HostDecommissioned>>;

export type HostCommand = CommandContext &
  (
    | { type: 'ReportHostFacts'; facts: HostFacts }
    | { type: 'ChangeHostLabels'; hostId: string; labels: Record<string, string> }
    | { type: 'MarkHostOffline'; hostId: string; lastSeenAt: number; graceMs: number }
    | { type: 'MarkHostOnline'; hostId: string }
    | { type: 'DecommissionHost'; hostId: string; reason: string }
  );

export interface HostState {
  status: 'unknown' | 'online' | 'offline' | 'decommissioned';
  hostId: string | null;
  agentId: string | null;
  labels: Record<string, string>;
  facts: HostFacts | null;
  offlineSince: number | null;
}

export const hostStreamId = (hostId: string): string => `host-${hostId}`;

/** Fact fields that describe the host (the envelope fields change on every report). */
const FACT_FIELDS = [
  'hostname',
  'os',
  'kernel',
  'arch',
  'cpu',
  'memoryBytes',
  'swapBytes',
  'bootTime',
  'disks',
  'filesystems',
  'nics',
  'gpus',
  'agentVersion',
  'agentId',
] as const satisfies readonly (keyof HostFacts)[];

export function changedFacts(before: HostFacts, after: HostFacts): string[] {
  return FACT_FIELDS.filter((f) => JSON.stringify(before[f]) !== JSON.stringify(after[f]));
}

function requireHost(state: HostState, hostId: string): void {
  if (state.status === 'unknown') throw new DomainError('HOST_NOT_FOUND', `host ${hostId} is not registered`);
  if (state.status === 'decommissioned') {
    throw new DomainError('HOST_DECOMMISSIONED', `host ${hostId} is decommissioned`);
  }
}

export const hostDecider: Decider<HostCommand, HostEvent, HostState> = {
  initialState: () => ({
    status: 'unknown',
    hostId: null,
    agentId: null,
    labels: {},
    facts: null,
    offlineSince: null,
  }),

  decide(command, state) {
    switch (command.type) {
      case 'ReportHostFacts': {
        const { facts } = command;
        if (state.status === 'decommissioned') {
          throw new DomainError('HOST_DECOMMISSIONED', `host ${facts.hostId} is decommissioned`);
        }
        if (state.status === 'unknown' || !state.facts) {
          return [
            {
              type: 'HostRegistered',
              data: {
                hostId: facts.hostId,
                agentId: facts.agentId,
                hostname: facts.hostname,
                labels: {},
                facts,
              },
            },
          ];
        }
        // Redelivered or out-of-date report from the same agent: nothing new.
        if (facts.agentId === state.facts.agentId && facts.agentSequence <= state.facts.agentSequence)
          return [];
        const changed = changedFacts(state.facts, facts);
        if (changed.length === 0) return [];
        return [{ type: 'HostFactsUpdated', data: { hostId: facts.hostId, facts, changed } }];
      }
      case 'ChangeHostLabels': {
        requireHost(state, command.hostId);
        for (const [k, v] of Object.entries(command.labels)) {
          if (!/^[A-Za-z_][A-Za-z0-9_.-]{0,62}$/.test(k) || v.length > 256) {
            throw new DomainError(
              'INVALID_LABEL',
              `label ${JSON.stringify(k)} is not a valid label name or value`,
            );
          }
        }
        if (sameLabels(state.labels, command.labels)) return [];
        return [
          {
            type: 'HostLabelsChanged',
            data: { hostId: command.hostId, labels: command.labels, previous: state.labels },
          },
        ];
      }
      case 'MarkHostOffline': {
        requireHost(state, command.hostId);
        if (state.status === 'offline') return [];
        return [
          {
            type: 'HostWentOffline',
            data: { hostId: command.hostId, lastSeenAt: command.lastSeenAt, graceMs: command.graceMs },
          },
        ];
      }
      case 'MarkHostOnline': {
        requireHost(state, command.hostId);
        if (state.status !== 'offline') return [];
        return [
          {
            type: 'HostCameOnline',
            data: { hostId: command.hostId, offlineSince: state.offlineSince ?? command.at },
          },
        ];
      }
      case 'DecommissionHost': {
        requireHost(state, command.hostId);
        if (!command.reason.trim())
          throw new DomainError('REASON_REQUIRED', 'decommissioning needs a reason');
        return [{ type: 'HostDecommissioned', data: { hostId: command.hostId, reason: command.reason } }];
      }
    }
  },

  evolve(state, event) {
    switch (event.type) {
      case 'HostRegistered':
        return {
          status: 'online',
          hostId: event.data.hostId,
          agentId: event.data.agentId,
          labels: event.data.labels,
          facts: event.data.facts,
          offlineSince: null,
        };
      case 'HostFactsUpdated':
        return { ...state, facts: event.data.facts, agentId: event.data.facts.agentId };
      case 'HostLabelsChanged':
        return { ...state, labels: event.data.labels };
      case 'HostWentOffline':
        // Offline since the last telemetry, which is what an operator wants to see.
        return { ...state, status: 'offline', offlineSince: event.data.lastSeenAt };
      case 'HostCameOnline':
        return { ...state, status: 'online', offlineSince: null };
      case 'HostDecommissioned':
        return { ...state, status: 'decommissioned' };
    }
  },
};
