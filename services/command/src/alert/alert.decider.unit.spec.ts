import { alice, ctx, system, t0 } from '../testing/fixtures';
import { deciderSpec } from '../testing/given';
import {
  type AlertCommand,
  type AlertEvent,
  alertDecider,
  alertIdFor,
  alertStreamIdForAlert,
  type RaiseAlert,
} from './alert.decider';

const given = deciderSpec(alertDecider);
const fp = 'rule-cpu|host-1|cpu=total';
const id1 = alertIdFor(fp, 1);
const raise: RaiseAlert = {
  fingerprint: fp,
  origin: 'RULE',
  ruleId: 'rule-cpu',
  sourceName: null,
  hostId: 'host-1',
  severity: 1,
  title: 'CPU busy',
  description: null,
  labels: { cpu: 'total' },
  annotations: {},
  value: 95,
  threshold: 90,
  startsAt: t0,
};
const raised: AlertEvent = { type: 'AlertRaised', data: { alertId: id1, ...raise } };
const resolved: AlertEvent = {
  type: 'AlertResolved',
  data: { alertId: id1, resolution: 'AUTO', reason: null, value: 50, endsAt: t0 + 1000 },
};
const op = ctx(alice, t0 + 10);
const raiseCmd: AlertCommand = { ...ctx(system), type: 'RaiseAlert', ...raise };

describe('Alert decider', () => {
  it('raises an alert whose id names its fingerprint stream', () => {
    given([]).when(raiseCmd).then([raised]);
    expect(alertStreamIdForAlert(id1)).toMatch(/^alert-[0-9a-f]{32}$/);
  });

  it('treats raising an already-active fingerprint as a no-op (dedup)', () => {
    given([raised]).when(raiseCmd).thenNothing();
  });

  it('raises a new alert (next id) on the fingerprint after the last one resolved', () => {
    given([raised, resolved])
      .when({ ...raiseCmd, startsAt: t0 + 5000 })
      .then([{ type: 'AlertRaised', data: { ...raise, alertId: alertIdFor(fp, 2), startsAt: t0 + 5000 } }]);
  });

  it('refuses an invalid severity or an empty title', () => {
    given([])
      .when({ ...raiseCmd, severity: 4 })
      .thenFails('INVALID_SEVERITY');
    given([])
      .when({ ...raiseCmd, title: ' ' })
      .thenFails('TITLE_REQUIRED');
    given([])
      .when({ ...raiseCmd, ruleId: null })
      .thenFails('RULE_REQUIRED');
  });

  it('acknowledges an active alert once', () => {
    const ack: AlertEvent = { type: 'AlertAcknowledged', data: { alertId: id1, comment: 'on it' } };
    given([raised])
      .when({ ...op, type: 'AcknowledgeAlert', alertId: id1, comment: 'on it' })
      .then([ack]);
    given([raised, ack])
      .when({ ...op, type: 'AcknowledgeAlert', alertId: id1, comment: null })
      .thenFails('ALERT_ALREADY_ACKNOWLEDGED');
  });

  it('refuses to acknowledge a resolved alert', () => {
    given([raised, resolved])
      .when({ ...op, type: 'AcknowledgeAlert', alertId: id1, comment: null })
      .thenFails('ALERT_NOT_ACTIVE');
  });

  it('refuses commands on alerts that never existed', () => {
    given([raised])
      .when({ ...op, type: 'AcknowledgeAlert', alertId: alertIdFor(fp, 7), comment: null })
      .thenFails('ALERT_NOT_FOUND');
    expect(() => alertStreamIdForAlert('../etc/passwd')).toThrow('does not exist');
  });

  it('escalates only upwards, within 0..3, with a reason', () => {
    given([raised])
      .when({ ...op, type: 'EscalateAlert', alertId: id1, toSeverity: 3, reason: 'customers affected' })
      .then([
        {
          type: 'AlertEscalated',
          data: { alertId: id1, fromSeverity: 1, toSeverity: 3, reason: 'customers affected' },
        },
      ]);
    given([raised])
      .when({ ...op, type: 'EscalateAlert', alertId: id1, toSeverity: 1, reason: 'x' })
      .thenFails('ESCALATION_NOT_HIGHER');
    given([raised])
      .when({ ...op, type: 'EscalateAlert', alertId: id1, toSeverity: 9, reason: 'x' })
      .thenFails('INVALID_SEVERITY');
    given([raised])
      .when({ ...op, type: 'EscalateAlert', alertId: id1, toSeverity: 2, reason: '' })
      .thenFails('REASON_REQUIRED');
  });

  it('silences an active alert until a future instant, once per extension', () => {
    const silenced: AlertEvent = {
      type: 'AlertSilenced',
      data: { alertId: id1, silenceId: 's1', until: t0 + 3_600_000 },
    };
    given([raised])
      .when({ ...op, type: 'SilenceAlert', alertId: id1, silenceId: 's1', until: t0 + 3_600_000 })
      .then([silenced]);
    given([raised, silenced])
      .when({ ...op, type: 'SilenceAlert', alertId: id1, silenceId: 's2', until: t0 + 60_000 })
      .thenNothing();
    given([raised])
      .when({ ...op, type: 'SilenceAlert', alertId: id1, silenceId: 's1', until: t0 })
      .thenFails('SILENCE_IN_PAST');
  });

  it('adds notes and diagnoses, also to resolved alerts', () => {
    given([raised, resolved])
      .when({ ...op, type: 'AddAlertNote', alertId: id1, noteId: 'n1', text: 'root cause: cron' })
      .then([{ type: 'AlertNoteAdded', data: { alertId: id1, noteId: 'n1', text: 'root cause: cron' } }]);
    given([raised])
      .when({ ...op, type: 'AddAlertNote', alertId: id1, noteId: 'n1', text: '  ' })
      .thenFails('NOTE_EMPTY');
    const diagnosis = {
      alertId: id1,
      summary: 'runaway process',
      likelyCauses: ['cron job'],
      suggestedActions: ['kill it'],
      engine: 'retrieval',
      sources: [],
    };
    given([raised])
      .when({ ...op, type: 'DiagnoseAlert', ...diagnosis })
      .then([{ type: 'AlertDiagnosed', data: diagnosis }]);
  });

  it('resolves manually only an active alert named by id', () => {
    given([raised])
      .when({
        ...op,
        type: 'ResolveAlert',
        alertId: id1,
        resolution: 'MANUAL',
        reason: 'fixed',
        value: null,
        endsAt: t0 + 10,
      })
      .then([
        {
          type: 'AlertResolved',
          data: { alertId: id1, resolution: 'MANUAL', reason: 'fixed', value: null, endsAt: t0 + 10 },
        },
      ]);
    given([raised, resolved])
      .when({
        ...op,
        type: 'ResolveAlert',
        alertId: id1,
        resolution: 'MANUAL',
        reason: null,
        value: null,
        endsAt: t0,
      })
      .thenFails('ALERT_NOT_ACTIVE');
  });

  it('resolves automatically or from the webhook by fingerprint, and ignores repeats', () => {
    given([raised])
      .when({
        ...ctx(system),
        type: 'ResolveAlert',
        alertId: null,
        resolution: 'WEBHOOK',
        reason: null,
        value: null,
        endsAt: t0 + 1,
      })
      .then([
        {
          type: 'AlertResolved',
          data: { alertId: id1, resolution: 'WEBHOOK', reason: null, value: null, endsAt: t0 + 1 },
        },
      ]);
    given([raised, resolved])
      .when({
        ...ctx(system),
        type: 'ResolveAlert',
        alertId: null,
        resolution: 'AUTO',
        reason: null,
        value: 1,
        endsAt: t0 + 1,
      })
      .thenNothing();
    given([])
      .when({
        ...ctx(system),
        type: 'ResolveAlert',
        alertId: null,
        resolution: 'WEBHOOK',
        reason: null,
        value: null,
        endsAt: t0,
      })
      .thenNothing();
  });

  it('tracks raise/resolve instants for flap damping', () => {
    const state = [raised, resolved].reduce(alertDecider.evolve, alertDecider.initialState());
    expect(state.transitions).toEqual([t0, t0 + 1000]);
    expect(state.status).toBe('resolved');
  });
});
