import { registerBrokerCommand } from '@nagare/broker';
import { Command } from 'commander';
import { registerLoadgen } from './commands/loadgen';
import { registerRebuild } from './commands/rebuild';
import { registerTopics } from './commands/topics';
import { registerUp } from './commands/up';
import { registerVerify } from './commands/verify';

/** Builds the `nagare` command tree. Each subcommand lives in its own file under commands/. */
export function buildProgram(): Command {
  const program = new Command('nagare')
    .description('Nagare: an event-sourced operations platform over a Kafka-compatible log')
    .showHelpAfterError()
    .enablePositionalOptions();
  registerUp(program);
  registerBrokerCommand(program);
  registerRebuild(program);
  registerLoadgen(program);
  registerTopics(program);
  registerVerify(program);
  return program;
}
