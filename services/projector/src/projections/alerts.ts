import type {
  AlertAcknowledged,
  AlertDiagnosed,
  AlertEscalated,
  AlertRaised,
  AlertResolved,
  AlertSilenced,
} from '@nagare/contracts';
import { EntityProjection, type EntitySpec, iso, type Row } from './entity-projection';
import type { DomainEvent } from './projection';

/** Pure evolve of the alerts read model row: firing → acknowledged → resolved. */
export function evolveAlert(state: Row | undefined, event: DomainEvent, type: string): Row | undefined {
  const at = iso(event.meta.occurredAt);
  const actor = event.meta.actor;
  const s: Row = state ?? { state: 'firing', notes_count: 0, labels: {}, annotations: {} };
  switch (type) {
    case 'nagare.events.alerts.AlertRaised': {
      const e = event as unknown as AlertRaised;
      return {
        ...s,
        fingerprint: e.fingerprint,
        origin: e.origin,
        rule_id: e.ruleId,
        source_name: e.sourceName,
        host_id: e.hostId,
        severity: e.severity,
        title: e.title,
        description: e.description,
        labels: e.labels,
        annotations: e.annotations,
        value: e.value,
        threshold: e.threshold,
        state: 'firing',
        started_at: iso(e.startsAt),
        raised_by: actor,
      };
    }
    case 'nagare.events.alerts.AlertAcknowledged': {
      const e = event as unknown as AlertAcknowledged;
      return {
        ...s,
        state: s.state === 'resolved' ? 'resolved' : 'acknowledged',
        acknowledged_by: actor,
        acknowledged_at: at,
        acknowledge_comment: e.comment,
      };
    }
    case 'nagare.events.alerts.AlertEscalated': {
      const e = event as unknown as AlertEscalated;
      return { ...s, severity: e.toSeverity };
    }
    case 'nagare.events.alerts.AlertSilenced': {
      const e = event as unknown as AlertSilenced;
      return { ...s, silence_id: e.silenceId, silenced_until: iso(e.until) };
    }
    case 'nagare.events.alerts.AlertNoteAdded':
      return { ...s, notes_count: ((s.notes_count as number) ?? 0) + 1 };
    case 'nagare.events.alerts.AlertDiagnosed': {
      const e = event as unknown as AlertDiagnosed;
      return {
        ...s,
        diagnosis: {
          summary: e.summary,
          likelyCauses: e.likelyCauses,
          suggestedActions: e.suggestedActions,
          engine: e.engine,
          sources: e.sources,
          at,
        },
      };
    }
    case 'nagare.events.alerts.AlertResolved': {
      const e = event as unknown as AlertResolved;
      return {
        ...s,
        state: 'resolved',
        resolution: e.resolution,
        resolve_reason: e.reason,
        resolved_value: e.value,
        resolved_at: iso(e.endsAt),
        resolved_by: actor,
      };
    }
    default:
      return undefined;
  }
}

export const alertsSpec: EntitySpec = {
  name: 'alerts',
  topics: ['events.alerts'],
  view: 'alerts',
  table: 'alerts',
  idColumn: 'alert_id',
  columns: [
    { name: 'fingerprint', type: 'text' },
    { name: 'origin', type: 'text' },
    { name: 'rule_id', type: 'text' },
    { name: 'source_name', type: 'text' },
    { name: 'host_id', type: 'text' },
    { name: 'severity', type: 'int' },
    { name: 'title', type: 'text' },
    { name: 'description', type: 'text' },
    { name: 'labels', type: 'jsonb', notNull: true },
    { name: 'annotations', type: 'jsonb', notNull: true },
    { name: 'value', type: 'float8' },
    { name: 'threshold', type: 'float8' },
    { name: 'state', type: 'text', notNull: true },
    { name: 'started_at', type: 'timestamptz' },
    { name: 'raised_by', type: 'jsonb' },
    { name: 'acknowledged_by', type: 'jsonb' },
    { name: 'acknowledged_at', type: 'timestamptz' },
    { name: 'acknowledge_comment', type: 'text' },
    { name: 'silence_id', type: 'text' },
    { name: 'silenced_until', type: 'timestamptz' },
    { name: 'notes_count', type: 'int', notNull: true },
    { name: 'diagnosis', type: 'jsonb' },
    { name: 'resolution', type: 'text' },
    { name: 'resolve_reason', type: 'text' },
    { name: 'resolved_value', type: 'float8' },
    { name: 'resolved_at', type: 'timestamptz' },
    { name: 'resolved_by', type: 'jsonb' },
  ],
  indexes: ['(state, severity)', '(host_id, started_at)', '(fingerprint)'],
  timeline: { table: 'alert_timeline', entityColumn: 'alert_id' },
  entityId: (event) => (typeof event.alertId === 'string' ? event.alertId : undefined),
  evolve: evolveAlert,
  snapshot: (row) => ({
    kind: 'alert',
    alertId: row.alert_id as string,
    version: row.version as number,
    active: row.state !== 'resolved',
    alert: {
      state: row.state,
      severity: row.severity,
      title: row.title,
      hostId: row.host_id,
      fingerprint: row.fingerprint,
      startedAt: row.started_at,
      silencedUntil: row.silenced_until ?? null,
      acknowledgedAt: row.acknowledged_at ?? null,
    },
  }),
};

/** Shared instance for callers that only need the DDL or a single runner. */
export const alertsProjection = new EntityProjection(alertsSpec);
