import { createPublicKey, type KeyObject, verify } from 'node:crypto';
import type { CommandCancel, CommandDispatch } from '@nagare/contracts';

/**
 * A command dispatch: the `nagare.command.CommandDispatch` record of the contracts
 * (schemas/agent.command-dispatch/CommandDispatch.avsc). Every field but `keyId` and
 * `signature` is signed (see dispatchSigningPayload).
 */
export type Dispatch = CommandDispatch;
/** `nagare.command.CommandCancel`: stop a running command, signed like a dispatch. */
export type Cancel = CommandCancel;

const DISPATCH_FIELDS = [
  'argv',
  'commandId',
  'cwd',
  'env',
  'expiresAt',
  'hostId',
  'issuedAt',
  'nonce',
  'outputCapBytes',
  'shell',
  'timeoutMs',
] as const;
const CANCEL_FIELDS = ['commandId', 'expiresAt', 'hostId', 'issuedAt', 'nonce'] as const;

const sortedEnv = (env: Record<string, string> | undefined) =>
  Object.fromEntries(Object.entries(env ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));

function pick(o: Record<string, unknown>, fields: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of fields) out[f] = o[f] ?? null;
  return out;
}

/**
 * The exact bytes the command service signs: the same definition as
 * packages/contracts/src/signing/command-signature.ts (a test holds them equal). Kept here so
 * verifying a command loads no codec or validator library into the agent.
 */
export function dispatchSigningPayload(d: Omit<Dispatch, 'keyId' | 'signature'>): Buffer {
  const full: Record<string, unknown> = {
    shell: false,
    cwd: null,
    ...(d as Record<string, unknown>),
    env: sortedEnv(d.env),
  };
  return Buffer.from(
    JSON.stringify({ purpose: 'nagare.command.dispatch', ...pick(full, DISPATCH_FIELDS) }),
    'utf8',
  );
}

export function cancelSigningPayload(c: Omit<Cancel, 'keyId' | 'signature'>): Buffer {
  return Buffer.from(
    JSON.stringify({
      purpose: 'nagare.command.cancel',
      ...pick(c as Record<string, unknown>, CANCEL_FIELDS),
    }),
    'utf8',
  );
}

const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

/** Accepts a PEM SPKI key, base64 DER SPKI, or base64 of the raw 32-byte Ed25519 key. */
export function parsePublicKey(text: string): KeyObject {
  const t = text.trim();
  let key: KeyObject;
  if (t.startsWith('-----BEGIN')) key = createPublicKey(t);
  else {
    const raw = Buffer.from(t, 'base64');
    const der = raw.length === 32 ? Buffer.concat([ED25519_SPKI_PREFIX, raw]) : raw;
    key = createPublicKey({ key: der, format: 'der', type: 'spki' });
  }
  if (key.asymmetricKeyType !== 'ed25519')
    throw new Error(`signing key is ${key.asymmetricKeyType}, not ed25519`);
  return key;
}

export type RefusalCode =
  | 'invalid'
  | 'bad-signature'
  | 'wrong-host'
  | 'expired'
  | 'not-yet-valid'
  | 'replayed'
  | 'env-not-allowed'
  | 'sandbox-unavailable'
  | 'user-unavailable'
  | 'disabled';

export class DispatchError extends Error {
  constructor(
    readonly code: RefusalCode,
    message: string,
  ) {
    super(message);
    this.name = 'DispatchError';
  }
}

const isString = (v: unknown): v is string => typeof v === 'string';
const isPositiveInt = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) > 0;
const isBytes = (v: unknown): v is Uint8Array => v instanceof Uint8Array;

function shapeError(why: string): never {
  throw new DispatchError('invalid', `invalid command: ${why}`);
}

function checkCommon(d: Record<string, unknown>, allowed: readonly string[]): void {
  for (const k of Object.keys(d)) if (!allowed.includes(k)) shapeError(`unknown field ${k}`);
  if (!isString(d.commandId) || !d.commandId || d.commandId.length > 200) shapeError('commandId');
  if (!isString(d.hostId) || !d.hostId || d.hostId.length > 200) shapeError('hostId');
  if (!Number.isSafeInteger(d.issuedAt) || !Number.isSafeInteger(d.expiresAt))
    shapeError('issuedAt/expiresAt must be unix ms');
  if ((d.expiresAt as number) <= (d.issuedAt as number)) shapeError('expiresAt must be after issuedAt');
  if (!isString(d.nonce) || d.nonce.length < 8 || d.nonce.length > 200)
    shapeError('nonce must be 8..200 characters');
  if (!isString(d.keyId)) shapeError('keyId');
  if (!isBytes(d.signature) || d.signature.length !== 64) shapeError('signature must be 64 bytes');
}

/** Shape check of an untrusted dispatch, before anything else looks at it. */
export function parseDispatch(input: unknown): Dispatch {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) shapeError('not an object');
  const d = input as Record<string, unknown>;
  checkCommon(d, [...DISPATCH_FIELDS, 'keyId', 'signature']);
  if (!Array.isArray(d.argv) || d.argv.length === 0 || !d.argv.every(isString))
    shapeError('argv must be a non-empty list of strings');
  if ((d.argv as string[]).some((a) => a.includes('\0'))) shapeError('argv contains NUL');
  if (typeof d.shell !== 'boolean') shapeError('shell must be a boolean');
  if (d.shell && (d.argv as string[]).length !== 1)
    shapeError('shell dispatches carry exactly one argv element, the script');
  if (!(d.cwd === null || (isString(d.cwd) && d.cwd.startsWith('/') && !d.cwd.includes('\0'))))
    shapeError('cwd must be null or absolute');
  if (typeof d.env !== 'object' || d.env === null || Array.isArray(d.env))
    shapeError('env must be an object');
  for (const [k, v] of Object.entries(d.env as object)) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(k) || !isString(v) || v.includes('\0')) shapeError(`env ${k}`);
  }
  if (!isPositiveInt(d.timeoutMs)) shapeError('timeoutMs must be a positive integer');
  if (!isPositiveInt(d.outputCapBytes)) shapeError('outputCapBytes must be a positive integer');
  return d as unknown as Dispatch;
}

export function parseCancel(input: unknown): Cancel {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) shapeError('not an object');
  checkCommon(input as Record<string, unknown>, [...CANCEL_FIELDS, 'keyId', 'signature']);
  return input as Cancel;
}

function verifyPayload(payload: Buffer, signature: Uint8Array, key: KeyObject): boolean {
  try {
    return verify(null, payload, key, signature);
  } catch {
    return false;
  }
}

export const verifyDispatch = (d: Dispatch, key: KeyObject) =>
  verifyPayload(dispatchSigningPayload(d), d.signature, key);
export const verifyCancel = (c: Cancel, key: KeyObject) =>
  verifyPayload(cancelSigningPayload(c), c.signature, key);
