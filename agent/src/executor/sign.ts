import { type KeyObject, randomBytes, sign } from 'node:crypto';
import { canonicalPayload, type Dispatch, type SignedFields } from './dispatch';

/**
 * How the command service signs a dispatch (kept beside the verifier so both sides share one
 * definition of the bytes): Ed25519 over canonicalPayload, base64.
 */
export function signDispatch(fields: SignedFields, privateKey: KeyObject): Dispatch {
  return { ...fields, signature: sign(null, canonicalPayload(fields), privateKey).toString('base64') };
}

export function newNonce(): string {
  return randomBytes(18).toString('base64url');
}
