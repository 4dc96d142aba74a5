import { samples } from '../testing/samples';
import {
  dispatchSigningPayload,
  generateCommandSigningKey,
  signCancel,
  signDispatch,
  verifyCancelSignature,
  verifyDispatchSignature,
} from './command-signature';

describe('command signatures', () => {
  const key = generateCommandSigningKey('k7');
  const { signature: _s, keyId: _k, ...unsigned } = samples['nagare.command.CommandDispatch'][0]!;

  it('verifies what it signed and names the key', () => {
    const signed = signDispatch(unsigned, key);
    expect(signed.keyId).toBe('k7');
    expect(verifyDispatchSignature(signed, key.publicKeyPem)).toBe(true);
  });

  it('fails on any changed field, another key, or a swapped host', () => {
    const signed = signDispatch(unsigned, key);
    expect(verifyDispatchSignature({ ...signed, argv: ['rm', '-rf', '/'] }, key.publicKeyPem)).toBe(false);
    expect(verifyDispatchSignature({ ...signed, hostId: 'host-other' }, key.publicKeyPem)).toBe(false);
    expect(verifyDispatchSignature({ ...signed, expiresAt: signed.expiresAt + 1 }, key.publicKeyPem)).toBe(
      false,
    );
    expect(
      verifyDispatchSignature({ ...signed, env: { ...signed.env, LD_PRELOAD: 'x' } }, key.publicKeyPem),
    ).toBe(false);
    expect(verifyDispatchSignature(signed, generateCommandSigningKey().publicKeyPem)).toBe(false);
  });

  it('is independent of env key order', () => {
    const a = dispatchSigningPayload({ ...unsigned, env: { A: '1', B: '2' } });
    const b = dispatchSigningPayload({ ...unsigned, env: { B: '2', A: '1' } });
    expect(a.equals(b)).toBe(true);
  });

  it('does not let a cancel signature pass as a dispatch', () => {
    const cancel = signCancel(
      { commandId: unsigned.commandId, hostId: unsigned.hostId, issuedAt: 1, expiresAt: 2, nonce: 'n' },
      key,
    );
    expect(verifyCancelSignature(cancel, key.publicKeyPem)).toBe(true);
    expect(
      verifyDispatchSignature(
        { ...signDispatch(unsigned, key), signature: cancel.signature },
        key.publicKeyPem,
      ),
    ).toBe(false);
  });
});
