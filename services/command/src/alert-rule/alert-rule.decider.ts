import type { AlertRuleChanged, AlertRuleDefined, AlertRuleDeleted } from '@nagare/contracts';
import {
  type CommandContext,
  type Decider,
  DomainError,
  type DomainEvent,
  type EventData,
} from '../shared/decider';
import { validateMatchers } from '../shared/matchers';

export type AlertRuleEvent =
  | DomainEvent<'AlertRuleDefined', EventData<AlertRuleDefined>>
  | DomainEvent<'AlertRuleChanged', EventData<AlertRuleChanged>>
  | DomainEvent<'AlertRuleDeleted', EventData<AlertRuleDeleted>>;

/** The full definition of a rule (same shape in AlertRuleDefined and AlertRuleChanged). */
export type RuleDefinition = EventData<AlertRuleDefined>;

export type AlertRuleCommand = CommandContext &
  (
    | ({ type: 'DefineAlertRule' } & RuleDefinition)
    | ({ type: 'ChangeAlertRule' } & RuleDefinition)
    | { type: 'DeleteAlertRule'; ruleId: string; reason: string | null }
  );

export interface AlertRuleState {
  status: 'none' | 'defined' | 'deleted';
  rule: RuleDefinition | null;
}

export const ruleStreamId = (ruleId: string): string => `rule-${ruleId}`;

const MAX_WINDOW_MS = 7 * 24 * 3_600_000;

export function validateRule(r: RuleDefinition): void {
  const fail = (code: string, msg: string) => {
    throw new DomainError(code, `rule ${r.ruleId}: ${msg}`);
  };
  if (!/^[A-Za-z0-9_.:-]{1,128}$/.test(r.ruleId))
    fail('INVALID_RULE_ID', 'id must be 1-128 of [A-Za-z0-9_.:-]');
  if (!r.name.trim()) fail('NAME_REQUIRED', 'a rule needs a name');
  if (!r.metric.trim()) fail('METRIC_REQUIRED', 'a rule watches a metric');
  if (!Number.isInteger(r.severity) || r.severity < 0 || r.severity > 3)
    fail('INVALID_SEVERITY', 'severity must be 0..3');
  if (!Number.isFinite(r.threshold)) fail('INVALID_THRESHOLD', 'threshold must be a finite number');
  if (r.forMs < 0 || r.forMs > MAX_WINDOW_MS) fail('INVALID_FOR', 'for must be 0..7 days');
  if (r.flapWindowMs < 0 || r.flapWindowMs > MAX_WINDOW_MS)
    fail('INVALID_FLAP_WINDOW', 'flap window must be 0..7 days');
  if (r.flapMaxTransitions < 1) fail('INVALID_FLAP_MAX', 'flap max transitions must be at least 1');
  if (r.resolveThreshold !== null) {
    // Hysteresis band: the resolve threshold lies on the "healthy" side of the raise threshold.
    const above = r.comparator === 'GT' || r.comparator === 'GTE';
    if (above ? r.resolveThreshold > r.threshold : r.resolveThreshold < r.threshold) {
      fail('INVALID_HYSTERESIS', `resolve threshold must be on the healthy side of ${r.threshold}`);
    }
  }
  validateMatchers(r.matchers);
}

const definitionOf = (c: RuleDefinition & CommandContext & { type: string }): RuleDefinition => {
  const { type: _t, actor: _a, roles: _r, at: _at, ...def } = c;
  return def;
};

export const alertRuleDecider: Decider<AlertRuleCommand, AlertRuleEvent, AlertRuleState> = {
  initialState: () => ({ status: 'none', rule: null }),

  decide(command, state) {
    switch (command.type) {
      case 'DefineAlertRule': {
        if (state.status !== 'none')
          throw new DomainError('RULE_EXISTS', `rule ${command.ruleId} already exists`);
        const def = definitionOf(command);
        validateRule(def);
        return [{ type: 'AlertRuleDefined', data: def }];
      }
      case 'ChangeAlertRule': {
        if (state.status === 'none')
          throw new DomainError('RULE_NOT_FOUND', `rule ${command.ruleId} does not exist`);
        if (state.status === 'deleted')
          throw new DomainError('RULE_DELETED', `rule ${command.ruleId} was deleted`);
        const def = definitionOf(command);
        validateRule(def);
        if (JSON.stringify(def) === JSON.stringify(state.rule)) return [];
        return [{ type: 'AlertRuleChanged', data: def }];
      }
      case 'DeleteAlertRule':
        if (state.status === 'none')
          throw new DomainError('RULE_NOT_FOUND', `rule ${command.ruleId} does not exist`);
        if (state.status === 'deleted')
          throw new DomainError('RULE_DELETED', `rule ${command.ruleId} was deleted`);
        return [{ type: 'AlertRuleDeleted', data: { ruleId: command.ruleId, reason: command.reason } }];
    }
  },

  evolve(state, event) {
    switch (event.type) {
      case 'AlertRuleDefined':
      case 'AlertRuleChanged':
        return { status: 'defined', rule: event.data };
      case 'AlertRuleDeleted':
        return { ...state, status: 'deleted' };
    }
  },
};
