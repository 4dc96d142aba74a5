import type { AlertCommand } from '../alert/alert.decider';
import type { AlertRuleCommand } from '../alert-rule/alert-rule.decider';
import type { CommandCommand } from '../command/command.decider';
import type { HostCommand } from '../host/host.decider';
import type { SilenceCommand } from '../silence/silence.decider';
import type { HandleOptions } from '../store/aggregate-store';

/** NestJS CQRS messages: one per aggregate, carrying the decider command and its provenance. */
export class HostMessage {
  constructor(
    readonly command: HostCommand,
    readonly options: HandleOptions = {},
  ) {}
}
export class AlertMessage {
  constructor(
    readonly command: AlertCommand,
    readonly options: HandleOptions = {},
  ) {}
}
export class CommandMessage {
  constructor(
    readonly command: CommandCommand,
    readonly options: HandleOptions = {},
  ) {}
}
export class AlertRuleMessage {
  constructor(
    readonly command: AlertRuleCommand,
    readonly options: HandleOptions = {},
  ) {}
}
export class SilenceMessage {
  constructor(
    readonly command: SilenceCommand,
    readonly options: HandleOptions = {},
  ) {}
}
