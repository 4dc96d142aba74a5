import { createHmac } from 'node:crypto';
import { AccessTokens } from './jwt';

const SECRET = 'unit-secret-0123456789-abcdefghijklmnop';
const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
const input = {
  sub: '5f0c6a8e-7d0c-4c1e-9a51-0b7e3e2a9c11',
  role: 'operator' as const,
  sid: 'a9d1c3f0-0000-4000-8000-000000000001',
};

describe('AccessTokens (HS256)', () => {
  it('signs sub, role, sid, jti, iat, exp and verifies them', () => {
    const tokens = new AccessTokens(SECRET, 900, () => 1_700_000_000_000);
    const { token, claims } = tokens.sign(input);
    expect(claims).toMatchObject({ ...input, iat: 1_700_000_000, exp: 1_700_000_900 });
    expect(claims.jti).toMatch(/^[0-9a-f-]{36}$/);
    expect(tokens.verify(token)).toEqual({ ok: true, claims });
    expect(tokens.sign(input).claims.jti).not.toBe(claims.jti);
  });

  it('reports expiry once exp has passed', () => {
    let now = 1_700_000_000_000;
    const tokens = new AccessTokens(SECRET, 900, () => now);
    const { token } = tokens.sign(input);
    now += 899_000;
    expect(tokens.verify(token).ok).toBe(true);
    now += 1_000;
    expect(tokens.verify(token)).toEqual({ ok: false, reason: 'expired' });
  });

  it('refuses tampered payloads, other keys, alg none and garbage', () => {
    const tokens = new AccessTokens(SECRET, 900);
    const { token } = tokens.sign(input);
    const [h, p, s] = token.split('.') as [string, string, string];
    const escalated = b64({ ...JSON.parse(Buffer.from(p, 'base64url').toString()), role: 'admin' });
    expect(tokens.verify(`${h}.${escalated}.${s}`)).toEqual({ ok: false, reason: 'invalid' });
    expect(new AccessTokens(`${SECRET}x`, 900).verify(token)).toEqual({ ok: false, reason: 'invalid' });
    expect(tokens.verify(`${b64({ alg: 'none', typ: 'JWT' })}.${p}.`)).toEqual({
      ok: false,
      reason: 'invalid',
    });
    // A correctly MACed token whose header claims another algorithm is still refused.
    const otherAlg = b64({ alg: 'HS512', typ: 'JWT' });
    const mac = createHmac('sha256', SECRET).update(`${otherAlg}.${p}`).digest('base64url');
    expect(tokens.verify(`${otherAlg}.${p}.${mac}`)).toEqual({ ok: false, reason: 'invalid' });
    for (const junk of ['', 'a.b', 'a.b.c.d', '!!.??.**', 'x'.repeat(5000)]) {
      expect(tokens.verify(junk)).toEqual({ ok: false, reason: 'invalid' });
    }
  });

  it('refuses tokens issued in the future and wrong audience', () => {
    const future = new AccessTokens(SECRET, 900, () => Date.now() + 3600_000).sign(input).token;
    expect(new AccessTokens(SECRET, 900).verify(future)).toEqual({ ok: false, reason: 'invalid' });
    const tokens = new AccessTokens(SECRET, 900);
    const [h, p] = tokens.sign(input).token.split('.') as [string, string];
    const wrongAud = b64({ ...JSON.parse(Buffer.from(p, 'base64url').toString()), aud: 'other' });
    const mac = createHmac('sha256', SECRET).update(`${h}.${wrongAud}`).digest('base64url');
    expect(tokens.verify(`${h}.${wrongAud}.${mac}`)).toEqual({ ok: false, reason: 'invalid' });
  });

  it('refuses short secrets', () => {
    expect(() => new AccessTokens('short', 900)).toThrow(/32/);
  });
});
