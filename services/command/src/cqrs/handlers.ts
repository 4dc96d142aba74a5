import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import {
  type AlertEvent,
  type AlertState,
  alertDecider,
  alertStreamIdForAlert,
  alertStreamIdForFingerprint,
} from '../alert/alert.decider';
import {
  type AlertRuleEvent,
  type AlertRuleState,
  alertRuleDecider,
  ruleStreamId,
} from '../alert-rule/alert-rule.decider';
import {
  type CommandEvent,
  type CommandState,
  commandDecider,
  commandStreamId,
} from '../command/command.decider';
import { type HostEvent, type HostState, hostDecider, hostStreamId } from '../host/host.decider';
import { DomainError } from '../shared/decider';
import {
  type SilenceEvent,
  type SilenceState,
  silenceDecider,
  silenceStreamId,
} from '../silence/silence.decider';
import { AggregateStore, type HandleResult } from '../store/aggregate-store';
import { AlertMessage, AlertRuleMessage, CommandMessage, HostMessage, SilenceMessage } from './messages';

// Thin handlers: pick the stream, then load → decide → append with the expected version → retry
// on conflict (AggregateStore). All the rules live in the deciders.

@CommandHandler(HostMessage)
export class HostHandler implements ICommandHandler<HostMessage, HandleResult<HostEvent, HostState>> {
  constructor(private readonly aggregates: AggregateStore) {}
  execute({ command, options }: HostMessage) {
    const hostId = command.type === 'ReportHostFacts' ? command.facts.hostId : command.hostId;
    return this.aggregates.handle(hostDecider, hostStreamId(hostId), command, options);
  }
}

@CommandHandler(AlertMessage)
export class AlertHandler implements ICommandHandler<AlertMessage, HandleResult<AlertEvent, AlertState>> {
  constructor(private readonly aggregates: AggregateStore) {}
  execute({ command, options }: AlertMessage) {
    let stream: string;
    if (command.type === 'RaiseAlert') stream = alertStreamIdForFingerprint(command.fingerprint);
    else if (command.type === 'ResolveAlert' && command.alertId === null) {
      if (!command.fingerprint)
        throw new DomainError('ALERT_NOT_FOUND', 'resolution names an alert or a fingerprint');
      stream = alertStreamIdForFingerprint(command.fingerprint);
    } else stream = alertStreamIdForAlert(command.alertId!);
    return this.aggregates.handle(alertDecider, stream, command, options);
  }
}

@CommandHandler(CommandMessage)
export class CommandHandlerForCommands
  implements ICommandHandler<CommandMessage, HandleResult<CommandEvent, CommandState>>
{
  constructor(private readonly aggregates: AggregateStore) {}
  execute({ command, options }: CommandMessage) {
    return this.aggregates.handle(commandDecider, commandStreamId(command.commandId), command, options);
  }
}

@CommandHandler(AlertRuleMessage)
export class AlertRuleHandler
  implements ICommandHandler<AlertRuleMessage, HandleResult<AlertRuleEvent, AlertRuleState>>
{
  constructor(private readonly aggregates: AggregateStore) {}
  execute({ command, options }: AlertRuleMessage) {
    return this.aggregates.handle(alertRuleDecider, ruleStreamId(command.ruleId), command, options);
  }
}

@CommandHandler(SilenceMessage)
export class SilenceHandler
  implements ICommandHandler<SilenceMessage, HandleResult<SilenceEvent, SilenceState>>
{
  constructor(private readonly aggregates: AggregateStore) {}
  execute({ command, options }: SilenceMessage) {
    return this.aggregates.handle(silenceDecider, silenceStreamId(command.silenceId), command, options);
  }
}

export const commandHandlers = [
  HostHandler,
  AlertHandler,
  CommandHandlerForCommands,
  AlertRuleHandler,
  SilenceHandler,
];
