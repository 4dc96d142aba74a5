import { alice, ctx, system, t0 } from '../testing/fixtures';
import { deciderSpec } from '../testing/given';
import { type SilenceEvent, silenceDecider } from './silence.decider';

const given = deciderSpec(silenceDecider);
const def = {
  silenceId: 's1',
  matchers: [{ label: 'host', op: 'EQ' as const, value: 'host-1' }],
  startsAt: t0,
  endsAt: t0 + 3_600_000,
  reason: 'maintenance',
};
const defined: SilenceEvent = { type: 'SilenceDefined', data: def };
const op = ctx(alice, t0);

describe('Silence decider', () => {
  it('defines a silence with matchers and a future end', () => {
    given([])
      .when({ ...op, type: 'DefineSilence', ...def })
      .then([defined]);
    given([defined])
      .when({ ...op, type: 'DefineSilence', ...def })
      .thenFails('SILENCE_EXISTS');
  });

  it('refuses silences that would match everything, end in the past or have bad regexes', () => {
    given([])
      .when({ ...op, type: 'DefineSilence', ...def, matchers: [] })
      .thenFails('MATCHERS_REQUIRED');
    given([])
      .when({ ...op, type: 'DefineSilence', ...def, endsAt: t0 })
      .thenFails('INVALID_SILENCE_WINDOW');
    given([])
      .when({ ...op, type: 'DefineSilence', ...def, matchers: [{ label: 'x', op: 'NRE', value: '[' }] })
      .thenFails('INVALID_MATCHER');
    given([])
      .when({ ...op, type: 'DefineSilence', ...def, reason: '' })
      .thenFails('REASON_REQUIRED');
  });

  it('records each alert it suppresses once, while in effect', () => {
    const suppress = {
      ...ctx(system, t0 + 10),
      type: 'SuppressAlert' as const,
      silenceId: 's1',
      alertId: 'a.1',
      fingerprint: 'fp',
    };
    const suppressed: SilenceEvent = {
      type: 'SilenceSuppressed',
      data: { silenceId: 's1', alertId: 'a.1', fingerprint: 'fp' },
    };
    given([defined]).when(suppress).then([suppressed]);
    given([defined, suppressed]).when(suppress).thenNothing();
    given([defined])
      .when({ ...suppress, at: t0 + 3_600_000 })
      .thenFails('SILENCE_NOT_ACTIVE');
    given([]).when(suppress).thenFails('SILENCE_NOT_FOUND');
  });

  it('expires at its end, or earlier when lifted with a reason', () => {
    given([defined])
      .when({ ...ctx(system, t0 + 3_600_000), type: 'ExpireSilence', silenceId: 's1', reason: null })
      .then([{ type: 'SilenceExpired', data: { silenceId: 's1', reason: null } }]);
    given([defined])
      .when({ ...ctx(system, t0 + 10), type: 'ExpireSilence', silenceId: 's1', reason: null })
      .thenFails('SILENCE_NOT_DUE');
    given([defined])
      .when({ ...op, type: 'ExpireSilence', silenceId: 's1', reason: 'done early' })
      .then([{ type: 'SilenceExpired', data: { silenceId: 's1', reason: 'done early' } }]);
    given([defined, { type: 'SilenceExpired', data: { silenceId: 's1', reason: null } }])
      .when({ ...op, type: 'ExpireSilence', silenceId: 's1', reason: 'again' })
      .thenNothing();
  });
});
