import { alice, cpuRule, ctx } from '../testing/fixtures';
import { deciderSpec } from '../testing/given';
import { alertRuleDecider, type RuleDefinition } from './alert-rule.decider';

const given = deciderSpec(alertRuleDecider);
const op = ctx(alice, undefined, ['admin']);
const defined = { type: 'AlertRuleDefined' as const, data: cpuRule };

describe('AlertRule decider', () => {
  it('defines a rule once', () => {
    given([])
      .when({ ...op, type: 'DefineAlertRule', ...cpuRule })
      .then([defined]);
    given([defined])
      .when({ ...op, type: 'DefineAlertRule', ...cpuRule })
      .thenFails('RULE_EXISTS');
  });

  it('refuses invalid definitions', () => {
    const when = (over: Partial<RuleDefinition>) =>
      given([]).when({ ...op, type: 'DefineAlertRule', ...cpuRule, ...over });
    when({ severity: 5 }).thenFails('INVALID_SEVERITY');
    when({ resolveThreshold: 95 }).thenFails('INVALID_HYSTERESIS');
    when({ comparator: 'LT', threshold: 10, resolveThreshold: 5 }).thenFails('INVALID_HYSTERESIS');
    when({ matchers: [{ label: 'cpu', op: 'RE', value: '(' }] }).thenFails('INVALID_MATCHER');
    when({ forMs: -1 }).thenFails('INVALID_FOR');
    when({ ruleId: 'a b' }).thenFails('INVALID_RULE_ID');
    when({ flapMaxTransitions: 0 }).thenFails('INVALID_FLAP_MAX');
  });

  it('changes a rule with its full new definition, ignoring a no-change', () => {
    const changed = { ...cpuRule, threshold: 95 };
    given([defined])
      .when({ ...op, type: 'ChangeAlertRule', ...changed })
      .then([{ type: 'AlertRuleChanged', data: changed }]);
    given([defined])
      .when({ ...op, type: 'ChangeAlertRule', ...cpuRule })
      .thenNothing();
    given([])
      .when({ ...op, type: 'ChangeAlertRule', ...cpuRule })
      .thenFails('RULE_NOT_FOUND');
  });

  it('deletes a rule once; a deleted rule cannot change', () => {
    const deleted = { type: 'AlertRuleDeleted' as const, data: { ruleId: 'rule-cpu', reason: 'noisy' } };
    given([defined])
      .when({ ...op, type: 'DeleteAlertRule', ruleId: 'rule-cpu', reason: 'noisy' })
      .then([deleted]);
    given([defined, deleted])
      .when({ ...op, type: 'DeleteAlertRule', ruleId: 'rule-cpu', reason: null })
      .thenFails('RULE_DELETED');
    given([defined, deleted])
      .when({ ...op, type: 'ChangeAlertRule', ...cpuRule })
      .thenFails('RULE_DELETED');
  });
});
