import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
  sign,
  verify,
} from 'node:crypto';
import type { RecordInput, RecordOf } from '../records';

/**
 * Canonical bytes that the command service signs and agents verify: JSON with keys in sorted
 * order of the listed fields (nested env keys sorted too). keyId and signature are not signed.
 */
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

type Dispatch = RecordOf<'nagare.command.CommandDispatch'>;
type Cancel = RecordOf<'nagare.command.CommandCancel'>;
export type UnsignedDispatch = Omit<RecordInput<'nagare.command.CommandDispatch'>, 'signature' | 'keyId'>;
export type UnsignedCancel = Omit<Cancel, 'signature' | 'keyId'>;

const sortedEnv = (env: Record<string, string> | undefined) =>
  Object.fromEntries(Object.entries(env ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));

export function dispatchSigningPayload(d: UnsignedDispatch | Dispatch): Buffer {
  const full = { shell: false, cwd: null, ...d, env: sortedEnv(d.env) } as Record<string, unknown>;
  return Buffer.from(
    JSON.stringify({ purpose: 'nagare.command.dispatch', ...pick(full, DISPATCH_FIELDS) }),
    'utf8',
  );
}

export function cancelSigningPayload(c: UnsignedCancel | Cancel): Buffer {
  return Buffer.from(
    JSON.stringify({
      purpose: 'nagare.command.cancel',
      ...pick(c as Record<string, unknown>, CANCEL_FIELDS),
    }),
    'utf8',
  );
}

function pick(o: Record<string, unknown>, fields: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of fields) out[f] = o[f] ?? null;
  return out;
}

export interface CommandSigningKey {
  keyId: string;
  privateKey: KeyObject;
  publicKeyPem: string;
}

export function generateCommandSigningKey(keyId = 'k1'): CommandSigningKey & { privateKeyPem: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return {
    keyId,
    privateKey,
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}

export function loadCommandSigningKey(privateKeyPem: string, keyId = 'k1'): CommandSigningKey {
  const privateKey = createPrivateKey(privateKeyPem);
  return {
    keyId,
    privateKey,
    publicKeyPem: createPublicKey(privateKey).export({ type: 'spki', format: 'pem' }).toString(),
  };
}

export function signDispatch(d: UnsignedDispatch, key: CommandSigningKey): Dispatch {
  const signature = sign(null, dispatchSigningPayload(d), key.privateKey);
  return { shell: false, cwd: null, env: {}, ...d, keyId: key.keyId, signature } as Dispatch;
}

export function signCancel(c: UnsignedCancel, key: CommandSigningKey): Cancel {
  return { ...c, keyId: key.keyId, signature: sign(null, cancelSigningPayload(c), key.privateKey) };
}

export function verifyDispatchSignature(d: Dispatch, publicKeyPem: string): boolean {
  return verify(null, dispatchSigningPayload(d), createPublicKey(publicKeyPem), d.signature);
}

export function verifyCancelSignature(c: Cancel, publicKeyPem: string): boolean {
  return verify(null, cancelSigningPayload(c), createPublicKey(publicKeyPem), c.signature);
}
