import type { LabelMatcher, SilenceDefined, SilenceExpired, SilenceSuppressed } from '@nagare/contracts';
import {
  type CommandContext,
  type Decider,
  DomainError,
  type DomainEvent,
  type EventData,
} from '../shared/decider';
import { validateMatchers } from '../shared/matchers';

export type SilenceEvent =
  | DomainEvent<'SilenceDefined', EventData<SilenceDefined>>
  | DomainEvent<'SilenceSuppressed', EventData<SilenceSuppressed>>
  | DomainEvent<'SilenceExpired', EventData<SilenceExpired>>;

export type SilenceCommand = CommandContext &
  (
    | ({ type: 'DefineSilence' } & EventData<SilenceDefined>)
    | { type: 'SuppressAlert'; silenceId: string; alertId: string; fingerprint: string }
    /** Lift early (reason given) or end at endsAt (timer, reason null). */
    | { type: 'ExpireSilence'; silenceId: string; reason: string | null }
  );

export interface SilenceState {
  status: 'none' | 'active' | 'expired';
  silenceId: string | null;
  matchers: LabelMatcher[];
  startsAt: number;
  endsAt: number;
  suppressed: string[];
}

export const silenceStreamId = (silenceId: string): string => `silence-${silenceId}`;

const MAX_SILENCE_MS = 90 * 24 * 3_600_000;

export const silenceDecider: Decider<SilenceCommand, SilenceEvent, SilenceState> = {
  initialState: () => ({
    status: 'none',
    silenceId: null,
    matchers: [],
    startsAt: 0,
    endsAt: 0,
    suppressed: [],
  }),

  decide(command, state) {
    switch (command.type) {
      case 'DefineSilence': {
        if (state.status !== 'none')
          throw new DomainError('SILENCE_EXISTS', `silence ${command.silenceId} already exists`);
        if (command.matchers.length === 0) {
          throw new DomainError(
            'MATCHERS_REQUIRED',
            'a silence needs at least one matcher (it would silence everything)',
          );
        }
        validateMatchers(command.matchers);
        if (command.endsAt <= command.startsAt || command.endsAt <= command.at) {
          throw new DomainError(
            'INVALID_SILENCE_WINDOW',
            'a silence must end after it starts and in the future',
          );
        }
        if (command.endsAt - command.startsAt > MAX_SILENCE_MS) {
          throw new DomainError('SILENCE_TOO_LONG', 'silences last at most 90 days');
        }
        if (!command.reason.trim())
          throw new DomainError('REASON_REQUIRED', 'say why the alerts are silenced');
        const { type: _t, actor: _a, roles: _r, at: _at, ...def } = command;
        return [{ type: 'SilenceDefined', data: def }];
      }
      case 'SuppressAlert':
        if (state.status === 'none')
          throw new DomainError('SILENCE_NOT_FOUND', `silence ${command.silenceId} does not exist`);
        if (state.status === 'expired' || command.at >= state.endsAt || command.at < state.startsAt) {
          throw new DomainError('SILENCE_NOT_ACTIVE', `silence ${command.silenceId} is not in effect`);
        }
        if (state.suppressed.includes(command.alertId)) return [];
        return [
          {
            type: 'SilenceSuppressed',
            data: {
              silenceId: command.silenceId,
              alertId: command.alertId,
              fingerprint: command.fingerprint,
            },
          },
        ];
      case 'ExpireSilence':
        if (state.status === 'none')
          throw new DomainError('SILENCE_NOT_FOUND', `silence ${command.silenceId} does not exist`);
        if (state.status === 'expired') return [];
        if (command.reason === null && command.at < state.endsAt) {
          throw new DomainError(
            'SILENCE_NOT_DUE',
            `silence ${command.silenceId} ends at ${state.endsAt}; lifting early needs a reason`,
          );
        }
        return [{ type: 'SilenceExpired', data: { silenceId: command.silenceId, reason: command.reason } }];
    }
  },

  evolve(state, event) {
    switch (event.type) {
      case 'SilenceDefined':
        return {
          status: 'active',
          silenceId: event.data.silenceId,
          matchers: event.data.matchers,
          startsAt: event.data.startsAt,
          endsAt: event.data.endsAt,
          suppressed: [],
        };
      case 'SilenceSuppressed':
        return { ...state, suppressed: [...state.suppressed, event.data.alertId] };
      case 'SilenceExpired':
        return { ...state, status: 'expired' };
    }
  },
};
