import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { collectOnce } from './collect';
import { HostCollector } from './collectors/host';
import { DEFAULT_CONFIG, loadConfig } from './config';
import { credentialFile, enroll, loadCredential, saveCredential } from './credential';
import { dataPaths } from './paths';

function positiveNumber(v: string): number {
  const n = Number(v);
  if (!(n > 0)) throw new InvalidArgumentError('must be a positive number');
  return n;
}

export function buildCli(): Command {
  const program = new Command('nagare-agent')
    .description('Nagare host agent: collects telemetry, spools it to disk, runs signed commands')
    .option('-c, --config <file>', 'config file (YAML or JSON); defaults apply when omitted')
    .showHelpAfterError();

  program
    .command('collect')
    .description('collect this host and print it (for debugging collectors)')
    .option('--once', 'one full collection (facts + samples) and exit')
    .option('--json', 'print JSON (one document, or one line per collection when looping)')
    .option('--interval <seconds>', 'seconds between collections when looping', positiveNumber)
    .option('--count <n>', 'stop after n collections when looping', positiveNumber)
    .option('--quiet', 'collect without printing (used by the benchmark)')
    .action(
      async (opts: {
        once?: boolean;
        json?: boolean;
        interval?: number;
        count?: number;
        quiet?: boolean;
      }) => {
        const config = loadConfig(program.opts<{ config?: string }>().config);
        if (opts.once) {
          const snap = await collectOnce(config);
          if (!opts.quiet)
            process.stdout.write(opts.json ? `${JSON.stringify(snap, null, 2)}\n` : formatText(snap.samples));
          return;
        }
        const collector = new HostCollector(config);
        const intervalMs = (opts.interval ?? config.intervalSeconds) * 1000;
        let n = 0;
        // A loop that keeps its own schedule, so a slow collection never stacks up behind itself.
        for (;;) {
          const started = Date.now();
          const c = await collector.collect();
          if (!opts.quiet)
            process.stdout.write(opts.json ? `${JSON.stringify(c)}\n` : `${formatText(c.samples)}\n`);
          if (opts.count && ++n >= opts.count) return;
          await new Promise((r) => setTimeout(r, Math.max(0, intervalMs - (Date.now() - started))));
        }
      },
    );

  program
    .command('enroll')
    .description(
      'enroll this host with a one-time token and store the credential (mode 0600) in the data dir',
    )
    .requiredOption('--token <token>', 'one-time enrollment token from the dashboard')
    .option('--server <url>', 'server URL (overrides the config file)')
    .option('--allow-insecure-http', 'allow plain http to a non-loopback server (testing only)')
    .action(async (opts: { token: string; server?: string; allowInsecureHttp?: boolean }) => {
      const config = loadConfig(program.opts<{ config?: string }>().config);
      const server = opts.server ?? config.server;
      const facts = await new HostCollector(config).facts();
      const credential = await enroll(server, opts.token, facts, {
        allowInsecure: opts.allowInsecureHttp,
        agentVersion: agentVersion(),
      });
      saveCredential(config.dataDir, credential);
      process.stdout.write(
        `enrolled as agent ${credential.agentId} for host ${credential.hostId}; credential in ${credentialFile(config.dataDir)}\n`,
      );
    });

  program
    .command('run')
    .description(
      'run the agent: collect, spool to disk, stream to ingest, run signed commands (needs enroll first)',
    )
    .action(async () => {
      // Loaded here, not at the top: `collect` stays free of the socket and Avro libraries.
      const { parsePublicKey } = require('./executor/dispatch') as typeof import('./executor/dispatch');
      const { CommandExecutor } = require('./executor/executor') as typeof import('./executor/executor');
      const { ReplayCache } = require('./executor/replay-cache') as typeof import('./executor/replay-cache');
      const { FrameCodec } = require('./protocol/frames') as typeof import('./protocol/frames');
      const { AgentRuntime } = require('./runtime/runtime') as typeof import('./runtime/runtime');
      const { SequenceCounter } = require('./spool/sequence') as typeof import('./spool/sequence');
      const { DiskSpool } = require('./spool/spool') as typeof import('./spool/spool');
      const config = loadConfig(program.opts<{ config?: string }>().config);
      const credential = loadCredential(config.dataDir);
      const paths = dataPaths(config.dataDir);
      const spool = DiskSpool.open(paths.spool, config.spool);
      const sequence = SequenceCounter.open(paths.sequence);
      sequence.atLeast(spool.lastSeq);
      const replayCache = ReplayCache.open(paths.replayCache);
      const executor = config.executor.enabled
        ? new CommandExecutor({
            hostId: credential.hostId,
            signingKey: parsePublicKey(credential.signingPublicKey),
            replayCache,
            config: config.executor,
          })
        : undefined;
      const runtime = new AgentRuntime({
        config,
        credential,
        codec: FrameCodec.load(),
        spool,
        sequence,
        collector: new HostCollector(config),
        executor,
        agentVersion: agentVersion(),
        log: (msg, fields) =>
          process.stderr.write(`${JSON.stringify({ time: new Date().toISOString(), msg, ...fields })}\n`),
      });
      runtime.start();
      await new Promise<void>((resolve) => {
        process.once('SIGTERM', () => resolve());
        process.once('SIGINT', () => resolve());
      });
      await runtime.stop();
      spool.close();
      replayCache.close();
    });

  const config = program.command('config').description('inspect configuration');
  config
    .command('defaults')
    .description('print the default configuration as YAML')
    .action(() => {
      process.stdout.write((require('yaml') as typeof import('yaml')).stringify(DEFAULT_CONFIG));
    });
  config
    .command('check')
    .description('load the config file, report errors, print the effective configuration')
    .action(() => {
      process.stdout.write(
        (require('yaml') as typeof import('yaml')).stringify(
          loadConfig(program.opts<{ config?: string }>().config),
        ),
      );
    });

  return program;
}

function formatText(samples: Array<{ name: string; labels: Record<string, string>; value: number }>): string {
  return samples
    .map((s) => {
      const l = Object.entries(s.labels).map(([k, v]) => `${k}=${JSON.stringify(v)}`);
      return `${s.name}${l.length ? `{${l.join(',')}}` : ''} ${Number.isInteger(s.value) ? s.value : s.value.toFixed(3)}\n`;
    })
    .join('');
}

function agentVersion(): string {
  try {
    return (
      JSON.parse(readFileSync(path.join(__dirname, '..', 'package.json'), 'utf8')) as { version: string }
    ).version;
  } catch {
    return 'unknown';
  }
}

export async function runCli(argv: string[]): Promise<void> {
  await buildCli().parseAsync(argv);
}
