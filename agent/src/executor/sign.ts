import { type KeyObject, randomBytes, sign } from 'node:crypto';
import { type Cancel, cancelSigningPayload, type Dispatch, dispatchSigningPayload } from './dispatch';

/**
 * Signing as the command service does it (its own copy lives in @nagare/contracts): for the
 * agent's tests and tools. Ed25519 over the signing payload.
 */
export function signDispatch(
  fields: Omit<Dispatch, 'keyId' | 'signature'>,
  privateKey: KeyObject,
  keyId = 'k1',
): Dispatch {
  return { ...fields, keyId, signature: sign(null, dispatchSigningPayload(fields), privateKey) };
}

export function signCancel(
  fields: Omit<Cancel, 'keyId' | 'signature'>,
  privateKey: KeyObject,
  keyId = 'k1',
): Cancel {
  return { ...fields, keyId, signature: sign(null, cancelSigningPayload(fields), privateKey) };
}

export function newNonce(): string {
  return randomBytes(18).toString('base64url');
}
