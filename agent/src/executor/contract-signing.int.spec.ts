import { generateKeyPairSync } from 'node:crypto';
import path from 'node:path';
import {
  cancelSigningPayload as contractCancelPayload,
  dispatchSigningPayload as contractDispatchPayload,
  signCancel as contractSignCancel,
  signDispatch as contractSignDispatch,
  generateCommandSigningKey,
} from '@nagare/contracts';
import { tempDir } from '@nagare/testkit';
import { DEFAULT_CONFIG } from '../config';
import {
  cancelSigningPayload,
  type Dispatch,
  DispatchError,
  dispatchSigningPayload,
  parsePublicKey,
} from './dispatch';
import { CommandExecutor, commandOutcome } from './executor';
import { ReplayCache } from './replay-cache';
import { newNonce, signCancel } from './sign';

const HOST = 'host-1';
let dir: ReturnType<typeof tempDir>;
let cache: ReplayCache;
beforeEach(() => {
  dir = tempDir('nagare-contract-sign-');
  cache = ReplayCache.open(path.join(dir.path, 'replay.jsonl'));
});
afterEach(() => {
  cache.close();
  dir.cleanup();
});

const unsigned = (over: Partial<Omit<Dispatch, 'keyId' | 'signature'>> = {}) => {
  const now = Date.now();
  return {
    commandId: `cmd-${newNonce()}`,
    hostId: HOST,
    argv: ['sh', '-c', 'echo "$LANG"; sleep 30'],
    shell: false,
    cwd: null,
    env: { TZ: 'UTC', LANG: 'C.UTF-8' },
    timeoutMs: 20_000,
    outputCapBytes: 4096,
    issuedAt: now,
    expiresAt: now + 60_000,
    nonce: newNonce(),
    ...over,
  };
};

describe('signing bytes agree with @nagare/contracts', () => {
  it('dispatch and cancel payloads are byte-identical', () => {
    for (const d of [
      unsigned(),
      unsigned({ shell: true, argv: ['uptime'], cwd: '/srv', env: { Z: '1', A: '2', M: 'ü' } }),
    ]) {
      expect(dispatchSigningPayload(d).equals(contractDispatchPayload(d))).toBe(true);
    }
    const c = { commandId: 'c-1', hostId: HOST, issuedAt: 1, expiresAt: 2, nonce: 'n0nce-123' };
    expect(cancelSigningPayload(c).equals(contractCancelPayload(c))).toBe(true);
  });

  it('runs a dispatch signed by the contracts signer and stops it on a contracts-signed cancel', async () => {
    const key = generateCommandSigningKey('k9');
    const exec = new CommandExecutor({
      hostId: HOST,
      signingKey: parsePublicKey(key.publicKeyPem),
      replayCache: cache,
      config: { ...DEFAULT_CONFIG.executor, bwrap: 'off', killGraceMs: 300 },
      runningAsRoot: false,
    });
    const d = contractSignDispatch(unsigned(), key);
    const run = exec.start(d);
    for await (const e of run) {
      if (e.type === 'output') {
        expect(e.data.toString()).toBe('C.UTF-8\n');
        const now = Date.now();
        const cancel = contractSignCancel(
          { commandId: d.commandId, hostId: HOST, issuedAt: now, expiresAt: now + 10_000, nonce: newNonce() },
          key,
        );
        expect(exec.cancel(cancel)).toBe(true);
        expect(() => exec.cancel(cancel)).toThrow(DispatchError);
      }
    }
    const exit = await run.done;
    expect(commandOutcome(exit)).toBe('CANCELLED');
    // a cancel signed by another key, or for another host, is refused
    const other = generateKeyPairSync('ed25519');
    const now = Date.now();
    const forged = signCancel(
      { commandId: d.commandId, hostId: HOST, issuedAt: now, expiresAt: now + 1000, nonce: newNonce() },
      other.privateKey,
    );
    expect(() => exec.cancel(forged)).toThrow(/signature/);
    const elsewhere = contractSignCancel(
      { commandId: d.commandId, hostId: 'host-2', issuedAt: now, expiresAt: now + 1000, nonce: newNonce() },
      key,
    );
    expect(() => exec.cancel(elsewhere)).toThrow(/host-2/);
    const late = contractSignCancel(
      {
        commandId: d.commandId,
        hostId: HOST,
        issuedAt: now - 5000,
        expiresAt: now - 1000,
        nonce: newNonce(),
      },
      key,
    );
    expect(() => exec.cancel(late)).toThrow(/expired/);
    // a cancel for a command that is not running is accepted and reports it
    const idle = contractSignCancel(
      { commandId: 'not-running', hostId: HOST, issuedAt: now, expiresAt: now + 1000, nonce: newNonce() },
      key,
    );
    expect(exec.cancel(idle)).toBe(false);
  });

  it('maps exits to the contract outcomes', () => {
    const base = {
      type: 'exit' as const,
      commandId: 'c',
      seq: 0,
      signal: null,
      durationMs: 1,
      truncated: false,
      timedOut: false,
      cancelled: false,
    };
    expect(commandOutcome({ ...base, exitCode: 0 })).toBe('COMPLETED');
    expect(commandOutcome({ ...base, exitCode: 2 })).toBe('FAILED');
    expect(commandOutcome({ ...base, exitCode: null, error: 'spawn x ENOENT' })).toBe('FAILED');
    expect(commandOutcome({ ...base, exitCode: null, signal: 'SIGTERM', timedOut: true })).toBe('TIMED_OUT');
    expect(commandOutcome({ ...base, exitCode: null, signal: 'SIGTERM', cancelled: true })).toBe('CANCELLED');
  });
});
