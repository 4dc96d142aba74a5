import { createHash } from 'node:crypto';
import type {
  AlertAcknowledged,
  AlertDiagnosed,
  AlertEscalated,
  AlertNoteAdded,
  AlertOrigin,
  AlertRaised,
  AlertResolution,
  AlertResolved,
  AlertSilenced,
} from '@nagare/contracts';
import {
  type CommandContext,
  type Decider,
  DomainError,
  type DomainEvent,
  type EventData,
} from '../shared/decider';

export type AlertEvent =
  | DomainEvent<'AlertRaised', EventData<AlertRaised>>
  | DomainEvent<'AlertAcknowledged', EventData<AlertAcknowledged>>
  | DomainEvent<'AlertEscalated', EventData<AlertEscalated>>
  | DomainEvent<'AlertSilenced', EventData<AlertSilenced>>
  | DomainEvent<'AlertNoteAdded', EventData<AlertNoteAdded>>
  | DomainEvent<'AlertDiagnosed', EventData<AlertDiagnosed>>
  | DomainEvent<'AlertResolved', EventData<AlertResolved>>;

export type RaiseAlert = Omit<EventData<AlertRaised>, 'alertId'>;

export type AlertCommand = CommandContext &
  (
    | ({ type: 'RaiseAlert' } & RaiseAlert)
    | { type: 'AcknowledgeAlert'; alertId: string; comment: string | null }
    | { type: 'EscalateAlert'; alertId: string; toSeverity: number; reason: string }
    | { type: 'SilenceAlert'; alertId: string; silenceId: string; until: number }
    | { type: 'AddAlertNote'; alertId: string; noteId: string; text: string }
    | ({ type: 'DiagnoseAlert' } & EventData<AlertDiagnosed>)
    | {
        type: 'ResolveAlert';
        /** Required for manual resolution; AUTO and WEBHOOK resolve whatever is active for the fingerprint. */
        alertId: string | null;
        /** Names the stream when alertId is null (AUTO and WEBHOOK resolution). */
        fingerprint?: string;
        resolution: AlertResolution;
        reason: string | null;
        value: number | null;
        endsAt: number;
      }
  );

export interface AlertState {
  status: 'none' | 'active' | 'resolved';
  /** Alerts raised so far on this fingerprint; the current alert's id ends with it. */
  incarnation: number;
  alertId: string | null;
  fingerprint: string | null;
  origin: AlertOrigin | null;
  ruleId: string | null;
  hostId: string | null;
  severity: number;
  title: string;
  labels: Record<string, string>;
  startsAt: number | null;
  acknowledged: boolean;
  silencedUntil: number | null;
  /** Raise and resolve instants (for flap damping after a restart). */
  transitions: number[];
}

/**
 * One stream per dedup fingerprint: every alert ever raised on it lives there, one after the
 * other, so "raise an already-active fingerprint" is decided against the stream with optimistic
 * concurrency (no index, no race). Alert ids are `<key>.<n>`, so an alert id names its stream.
 */
export const alertKey = (fingerprint: string): string =>
  createHash('sha256').update(fingerprint).digest('hex').slice(0, 32);
export const alertStreamIdForFingerprint = (fingerprint: string): string => `alert-${alertKey(fingerprint)}`;
export const alertIdFor = (fingerprint: string, incarnation: number): string =>
  `${alertKey(fingerprint)}.${incarnation}`;

const ALERT_ID = /^([0-9a-f]{32})\.([1-9][0-9]{0,9})$/;

/** Stream of an alert id, or a domain error for ids this service never made. */
export function alertStreamIdForAlert(alertId: string): string {
  const m = ALERT_ID.exec(alertId);
  if (!m) throw new DomainError('ALERT_NOT_FOUND', `alert ${JSON.stringify(alertId)} does not exist`);
  return `alert-${m[1]}`;
}

const incarnationOf = (alertId: string): number => Number(ALERT_ID.exec(alertId)?.[2] ?? 0);

const MAX_TEXT = 10_000;
const MAX_TRANSITIONS = 64;

function requireExisting(state: AlertState, alertId: string): void {
  const n = incarnationOf(alertId);
  if (
    state.status === 'none' ||
    n < 1 ||
    n > state.incarnation ||
    alertId !== alertIdFor(state.fingerprint!, n)
  ) {
    throw new DomainError('ALERT_NOT_FOUND', `alert ${alertId} does not exist`);
  }
}

function requireActive(state: AlertState, alertId: string, action: string): void {
  requireExisting(state, alertId);
  if (state.status !== 'active' || state.alertId !== alertId) {
    throw new DomainError('ALERT_NOT_ACTIVE', `alert ${alertId} is resolved; cannot ${action} it`);
  }
}

function requireSeverity(severity: number): void {
  if (!Number.isInteger(severity) || severity < 0 || severity > 3) {
    throw new DomainError('INVALID_SEVERITY', `severity must be 0..3, got ${severity}`);
  }
}

export const alertDecider: Decider<AlertCommand, AlertEvent, AlertState> = {
  initialState: () => ({
    status: 'none',
    incarnation: 0,
    alertId: null,
    fingerprint: null,
    origin: null,
    ruleId: null,
    hostId: null,
    severity: 0,
    title: '',
    labels: {},
    startsAt: null,
    acknowledged: false,
    silencedUntil: null,
    transitions: [],
  }),

  decide(command, state) {
    switch (command.type) {
      case 'RaiseAlert': {
        const { type: _t, actor: _a, roles: _r, at: _at, ...raise } = command;
        if (!raise.fingerprint) throw new DomainError('FINGERPRINT_REQUIRED', 'an alert needs a fingerprint');
        if (!raise.title.trim()) throw new DomainError('TITLE_REQUIRED', 'an alert needs a title');
        requireSeverity(raise.severity);
        if (raise.origin === 'RULE' && !raise.ruleId)
          throw new DomainError('RULE_REQUIRED', 'rule alerts name their rule');
        // Dedup: the fingerprint is already raised, so this is the same alert firing again.
        if (state.status === 'active') return [];
        return [
          {
            type: 'AlertRaised',
            data: { alertId: alertIdFor(raise.fingerprint, state.incarnation + 1), ...raise },
          },
        ];
      }
      case 'AcknowledgeAlert': {
        requireActive(state, command.alertId, 'acknowledge');
        if (state.acknowledged) {
          throw new DomainError(
            'ALERT_ALREADY_ACKNOWLEDGED',
            `alert ${command.alertId} is already acknowledged`,
          );
        }
        return [{ type: 'AlertAcknowledged', data: { alertId: command.alertId, comment: command.comment } }];
      }
      case 'EscalateAlert': {
        requireActive(state, command.alertId, 'escalate');
        requireSeverity(command.toSeverity);
        if (command.toSeverity <= state.severity) {
          throw new DomainError(
            'ESCALATION_NOT_HIGHER',
            `escalation must raise the severity above ${state.severity}, got ${command.toSeverity}`,
          );
        }
        if (!command.reason.trim()) throw new DomainError('REASON_REQUIRED', 'escalating needs a reason');
        return [
          {
            type: 'AlertEscalated',
            data: {
              alertId: command.alertId,
              fromSeverity: state.severity,
              toSeverity: command.toSeverity,
              reason: command.reason,
            },
          },
        ];
      }
      case 'SilenceAlert': {
        requireActive(state, command.alertId, 'silence');
        if (command.until <= command.at)
          throw new DomainError('SILENCE_IN_PAST', 'a silence must end in the future');
        // Already silenced at least as long by this or another silence: nothing to add.
        if (state.silencedUntil !== null && state.silencedUntil >= command.until) return [];
        return [
          {
            type: 'AlertSilenced',
            data: { alertId: command.alertId, silenceId: command.silenceId, until: command.until },
          },
        ];
      }
      case 'AddAlertNote': {
        requireExisting(state, command.alertId);
        if (!command.text.trim()) throw new DomainError('NOTE_EMPTY', 'a note needs text');
        if (command.text.length > MAX_TEXT)
          throw new DomainError('NOTE_TOO_LONG', `notes are at most ${MAX_TEXT} characters`);
        return [
          {
            type: 'AlertNoteAdded',
            data: { alertId: command.alertId, noteId: command.noteId, text: command.text },
          },
        ];
      }
      case 'DiagnoseAlert': {
        requireExisting(state, command.alertId);
        if (!command.summary.trim()) throw new DomainError('DIAGNOSIS_EMPTY', 'a diagnosis needs a summary');
        const { type: _t, actor: _a, roles: _r, at: _at, ...diagnosis } = command;
        return [{ type: 'AlertDiagnosed', data: diagnosis }];
      }
      case 'ResolveAlert': {
        if (command.resolution === 'MANUAL') {
          if (!command.alertId) throw new DomainError('ALERT_NOT_FOUND', 'manual resolution names the alert');
          requireActive(state, command.alertId, 'resolve');
        } else if (
          state.status !== 'active' ||
          (command.alertId !== null && command.alertId !== state.alertId)
        ) {
          // The source or the rule engine says "resolved" again (redelivery, or it was resolved by hand).
          return [];
        }
        return [
          {
            type: 'AlertResolved',
            data: {
              alertId: state.alertId!,
              resolution: command.resolution,
              reason: command.reason,
              value: command.value,
              endsAt: command.endsAt,
            },
          },
        ];
      }
    }
  },

  evolve(state, event) {
    const current = (id: string) => id === state.alertId;
    switch (event.type) {
      case 'AlertRaised': {
        const d = event.data;
        return {
          status: 'active',
          incarnation: incarnationOf(d.alertId),
          alertId: d.alertId,
          fingerprint: d.fingerprint,
          origin: d.origin,
          ruleId: d.ruleId,
          hostId: d.hostId,
          severity: d.severity,
          title: d.title,
          labels: d.labels,
          startsAt: d.startsAt,
          acknowledged: false,
          silencedUntil: null,
          transitions: [...state.transitions, d.startsAt].slice(-MAX_TRANSITIONS),
        };
      }
      case 'AlertAcknowledged':
        return current(event.data.alertId) ? { ...state, acknowledged: true } : state;
      case 'AlertEscalated':
        return current(event.data.alertId) ? { ...state, severity: event.data.toSeverity } : state;
      case 'AlertSilenced':
        return current(event.data.alertId) ? { ...state, silencedUntil: event.data.until } : state;
      case 'AlertNoteAdded':
      case 'AlertDiagnosed':
        return state;
      case 'AlertResolved':
        return current(event.data.alertId)
          ? {
              ...state,
              status: 'resolved',
              transitions: [...state.transitions, event.data.endsAt].slice(-MAX_TRANSITIONS),
            }
          : state;
    }
  },
};
