// `nagare broker ...` as packages/cli wires it, from source: a commander program with only
// the broker command registered.
import { Command } from 'commander';
import { registerBrokerCommand } from '../cli';

const program = new Command('nagare');
registerBrokerCommand(program);
program.parseAsync(process.argv).catch((err: Error) => {
  console.error(`nagare: ${err.message}`);
  process.exitCode = 1;
});
