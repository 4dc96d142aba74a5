import { PasswordHasher, passwordProblem } from './password';

describe('PasswordHasher (scrypt)', () => {
  const hasher = new PasswordHasher();

  it('produces a versioned hash string carrying its parameters and a per-hash salt', async () => {
    const a = await hasher.hash('correct horse battery');
    const b = await hasher.hash('correct horse battery');
    expect(a).toMatch(/^\$scrypt\$v=1\$ln=15,r=8,p=1\$[A-Za-z0-9+/]{22}==\$[A-Za-z0-9+/]{43}=$/);
    expect(a).not.toBe(b);
    expect(await hasher.verify('correct horse battery', a)).toBe(true);
    expect(await hasher.verify('correct horse batterY', a)).toBe(false);
  });

  it('never matches a tampered or malformed hash', async () => {
    const h = await hasher.hash('correct horse battery');
    const parts = h.split('$');
    const key = Buffer.from(parts[5] as string, 'base64');
    key[0] = (key[0] as number) ^ 1;
    parts[5] = key.toString('base64');
    expect(await hasher.verify('correct horse battery', parts.join('$'))).toBe(false);
    expect(await hasher.verify('x', 'plain-text')).toBe(false);
    expect(await hasher.verify('x', '$scrypt$v=2$ln=15,r=8,p=1$AAAA$AAAA')).toBe(false);
  });

  it('flags hashes made with weaker parameters for rehash', async () => {
    const h = await hasher.hash('correct horse battery');
    expect(hasher.needsRehash(h)).toBe(false);
    expect(new PasswordHasher({ ln: 16, r: 8, p: 1 }).needsRehash(h)).toBe(true);
    expect(hasher.needsRehash('garbage')).toBe(true);
  });

  it('refuses parameters below N=2^15, r=8, p=1', () => {
    expect(() => new PasswordHasher({ ln: 14, r: 8, p: 1 })).toThrow(/floor/);
  });
});

describe('passwordProblem', () => {
  it('accepts a long varied password and explains refusals', () => {
    expect(passwordProblem('correct horse battery')).toBeUndefined();
    expect(passwordProblem('short')).toMatch(/at least 12/);
    expect(passwordProblem('aaaaaaaaaaaaaaaa')).toMatch(/repetitive/);
    expect(passwordProblem('alice-is-the-best', 'alice')).toMatch(/username/);
    expect(passwordProblem('x'.repeat(2000))).toMatch(/at most/);
  });
});
