import { createPublicKey, type KeyObject, verify } from 'node:crypto';

/**
 * A command dispatch as the command service signs it. Every field except `signature` is part
 * of the signed payload (see canonicalPayload and docs/agent.md).
 */
export interface Dispatch {
  commandId: string;
  hostId: string;
  /** Program and arguments, run without a shell; with shell=true exactly one element, the script. */
  argv: string[];
  shell: boolean;
  /** Absolute working directory, or null for "/". */
  cwd: string | null;
  /** Extra environment; every name must be on the agent's allow-list. */
  env: Record<string, string>;
  /** null: the agent's default. */
  timeoutMs: number | null;
  /** null: the agent's maximum. The agent never allows more than its own maximum. */
  outputCapBytes: number | null;
  /** Unix ms. */
  issuedAt: number;
  /** Unix ms. */
  expiresAt: number;
  /** Random, unique per dispatch (at least 16 characters). */
  nonce: string;
  /** Base64 Ed25519 signature over canonicalPayload(dispatch). */
  signature: string;
}

export type SignedFields = Omit<Dispatch, 'signature'>;

export const SIGNED_FIELDS = [
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

type Canonical = null | boolean | number | string | Canonical[] | { [k: string]: Canonical };

/** JSON with object keys sorted by UTF-16 code units at every level, no whitespace. */
export function canonicalJson(v: Canonical): string {
  if (v === null || typeof v === 'boolean' || typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number') {
    if (!Number.isSafeInteger(v)) throw new Error('canonical JSON carries integers only');
    return String(v);
  }
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  const keys = Object.keys(v).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(v[k]!)}`).join(',')}}`;
}

/** The exact bytes the command service signs and the agent verifies (UTF-8). */
export function canonicalPayload(d: SignedFields): Buffer {
  const obj: Record<string, Canonical> = {};
  for (const k of SIGNED_FIELDS) obj[k] = d[k] as Canonical;
  return Buffer.from(canonicalJson(obj), 'utf8');
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

export class DispatchError extends Error {
  constructor(
    readonly code:
      | 'invalid'
      | 'bad-signature'
      | 'wrong-host'
      | 'expired'
      | 'not-yet-valid'
      | 'replayed'
      | 'env-not-allowed'
      | 'sandbox-unavailable'
      | 'user-unavailable'
      | 'disabled',
    message: string,
  ) {
    super(message);
    this.name = 'DispatchError';
  }
}

const isString = (v: unknown): v is string => typeof v === 'string';
const isIntOrNull = (v: unknown) => v === null || (Number.isSafeInteger(v) && (v as number) > 0);

/** Shape check of untrusted input, before anything else looks at it. */
export function parseDispatch(input: unknown): Dispatch {
  const bad = (why: string): never => {
    throw new DispatchError('invalid', `invalid dispatch: ${why}`);
  };
  if (typeof input !== 'object' || input === null || Array.isArray(input)) bad('not an object');
  const d = input as Record<string, unknown>;
  for (const k of Object.keys(d)) {
    if (k !== 'signature' && !(SIGNED_FIELDS as readonly string[]).includes(k)) bad(`unknown field ${k}`);
  }
  if (!isString(d.commandId) || !d.commandId || d.commandId.length > 200) bad('commandId');
  if (!isString(d.hostId) || !d.hostId || d.hostId.length > 200) bad('hostId');
  if (!Array.isArray(d.argv) || d.argv.length === 0 || !d.argv.every(isString))
    bad('argv must be a non-empty list of strings');
  if ((d.argv as string[]).some((a) => a.includes('\0'))) bad('argv contains NUL');
  if (typeof d.shell !== 'boolean') bad('shell must be a boolean');
  if (d.shell && (d.argv as string[]).length !== 1)
    bad('shell dispatches carry exactly one argv element, the script');
  if (!(d.cwd === null || (isString(d.cwd) && d.cwd.startsWith('/') && !d.cwd.includes('\0'))))
    bad('cwd must be null or absolute');
  if (typeof d.env !== 'object' || d.env === null || Array.isArray(d.env)) bad('env must be an object');
  for (const [k, v] of Object.entries(d.env as object)) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(k) || !isString(v) || v.includes('\0')) bad(`env ${k}`);
  }
  if (!isIntOrNull(d.timeoutMs)) bad('timeoutMs must be a positive integer or null');
  if (!isIntOrNull(d.outputCapBytes)) bad('outputCapBytes must be a positive integer or null');
  if (!Number.isSafeInteger(d.issuedAt) || !Number.isSafeInteger(d.expiresAt))
    bad('issuedAt/expiresAt must be unix ms');
  if ((d.expiresAt as number) <= (d.issuedAt as number)) bad('expiresAt must be after issuedAt');
  if (!isString(d.nonce) || d.nonce.length < 16 || d.nonce.length > 200)
    bad('nonce must be 16..200 characters');
  if (!isString(d.signature) || !/^[A-Za-z0-9+/]+=*$/.test(d.signature)) bad('signature must be base64');
  return d as unknown as Dispatch;
}

export function verifySignature(d: Dispatch, key: KeyObject): boolean {
  const sig = Buffer.from(d.signature, 'base64');
  if (sig.length !== 64) return false;
  try {
    return verify(null, canonicalPayload(d), key, sig);
  } catch {
    return false;
  }
}
