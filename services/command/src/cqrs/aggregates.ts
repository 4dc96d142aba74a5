import { Injectable } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import type { AlertCommand, AlertEvent, AlertState } from '../alert/alert.decider';
import type { AlertRuleCommand, AlertRuleEvent, AlertRuleState } from '../alert-rule/alert-rule.decider';
import type { CommandCommand, CommandEvent, CommandState } from '../command/command.decider';
import type { HostCommand, HostEvent, HostState } from '../host/host.decider';
import type { SilenceCommand, SilenceEvent, SilenceState } from '../silence/silence.decider';
import type { HandleOptions, HandleResult } from '../store/aggregate-store';
import { AlertMessage, AlertRuleMessage, CommandMessage, HostMessage, SilenceMessage } from './messages';

/** Typed entry to the CQRS command bus, one method per aggregate. */
@Injectable()
export class Aggregates {
  constructor(private readonly bus: CommandBus) {}

  host(c: HostCommand, o?: HandleOptions): Promise<HandleResult<HostEvent, HostState>> {
    return this.bus.execute(new HostMessage(c, o));
  }
  alert(c: AlertCommand, o?: HandleOptions): Promise<HandleResult<AlertEvent, AlertState>> {
    return this.bus.execute(new AlertMessage(c, o));
  }
  command(c: CommandCommand, o?: HandleOptions): Promise<HandleResult<CommandEvent, CommandState>> {
    return this.bus.execute(new CommandMessage(c, o));
  }
  rule(c: AlertRuleCommand, o?: HandleOptions): Promise<HandleResult<AlertRuleEvent, AlertRuleState>> {
    return this.bus.execute(new AlertRuleMessage(c, o));
  }
  silence(c: SilenceCommand, o?: HandleOptions): Promise<HandleResult<SilenceEvent, SilenceState>> {
    return this.bus.execute(new SilenceMessage(c, o));
  }
}
