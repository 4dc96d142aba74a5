import type {
  HostCameOnline,
  HostDecommissioned,
  HostFactsUpdated,
  HostLabelsChanged,
  HostRegistered,
  HostWentOffline,
} from '@nagare/contracts';
import { EntityProjection, type EntitySpec, iso, type Row } from './entity-projection';
import type { DomainEvent } from './projection';

/** Pure evolve of the hosts read model row. */
export function evolveHost(state: Row | undefined, event: DomainEvent, type: string): Row | undefined {
  const at = iso(event.meta.occurredAt);
  switch (type) {
    case 'nagare.events.hosts.HostRegistered': {
      const e = event as unknown as HostRegistered;
      return {
        ...state,
        agent_id: e.agentId,
        hostname: e.hostname,
        status: 'online',
        labels: e.labels,
        facts: e.facts,
        registered_at: at,
        last_seen_at: state?.last_seen_at ?? at,
        offline_since: null,
      };
    }
    case 'nagare.events.hosts.HostFactsUpdated': {
      const e = event as unknown as HostFactsUpdated;
      return { ...base(state), facts: e.facts, hostname: e.facts.hostname, agent_id: e.facts.agentId };
    }
    case 'nagare.events.hosts.HostLabelsChanged': {
      const e = event as unknown as HostLabelsChanged;
      return { ...base(state), labels: e.labels };
    }
    case 'nagare.events.hosts.HostWentOffline': {
      const e = event as unknown as HostWentOffline;
      const s = base(state);
      if (s.status === 'decommissioned') return s;
      return { ...s, status: 'offline', offline_since: at, last_seen_at: iso(e.lastSeenAt) };
    }
    case 'nagare.events.hosts.HostCameOnline': {
      const e = event as unknown as HostCameOnline;
      const s = base(state);
      if (s.status === 'decommissioned') return s;
      return {
        ...s,
        status: 'online',
        offline_since: null,
        last_seen_at: at,
        last_offline_since: iso(e.offlineSince),
      };
    }
    case 'nagare.events.hosts.HostDecommissioned': {
      const e = event as unknown as HostDecommissioned;
      return {
        ...base(state),
        status: 'decommissioned',
        decommissioned_at: at,
        decommission_reason: e.reason,
      };
    }
    default:
      return undefined;
  }
}

/** A host seen first through a later event still gets a row (its registration may be beyond retention). */
function base(state: Row | undefined): Row {
  return state ?? { status: 'online', labels: {} };
}

export const hostsSpec: EntitySpec = {
  name: 'hosts',
  topics: ['events.hosts'],
  view: 'hosts',
  table: 'hosts',
  idColumn: 'host_id',
  columns: [
    { name: 'agent_id', type: 'text' },
    { name: 'hostname', type: 'text' },
    { name: 'status', type: 'text', notNull: true },
    { name: 'labels', type: 'jsonb', notNull: true },
    { name: 'facts', type: 'jsonb' },
    { name: 'registered_at', type: 'timestamptz' },
    { name: 'last_seen_at', type: 'timestamptz' },
    { name: 'offline_since', type: 'timestamptz' },
    { name: 'last_offline_since', type: 'timestamptz' },
    { name: 'decommissioned_at', type: 'timestamptz' },
    { name: 'decommission_reason', type: 'text' },
  ],
  indexes: ['(status)', 'USING gin (labels)', '(hostname)'],
  entityId: (event) => (typeof event.hostId === 'string' ? event.hostId : undefined),
  evolve: evolveHost,
  snapshot: (row) => ({
    kind: 'host-state',
    hostId: row.host_id as string,
    version: row.version as number,
    state: {
      hostname: row.hostname,
      status: row.status,
      labels: row.labels,
      lastSeenAt: row.last_seen_at,
      offlineSince: row.offline_since ?? null,
    },
  }),
};

/** Shared instance for callers that only need the DDL or a single runner. */
export const hostsProjection = new EntityProjection(hostsSpec);
