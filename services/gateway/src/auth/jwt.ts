import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import { isRole, type Role } from '@nagare/identity';

export interface AccessClaims {
  sub: string;
  role: Role;
  /** Session (refresh token family): logout or reuse detection ends the access token too. */
  sid: string;
  jti: string;
  iat: number;
  exp: number;
  iss: string;
  aud: string;
}

export type VerifyResult = { ok: true; claims: AccessClaims } | { ok: false; reason: 'invalid' | 'expired' };

const ISSUER = 'nagare-gateway';
const AUDIENCE = 'nagare-api';
const HEADER = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url');
const B64URL = /^[A-Za-z0-9_-]+$/;
const CLOCK_SKEW_SECONDS = 30;

/**
 * HS256 JWTs with node:crypto. Verification pins the algorithm (no `none`, no key confusion),
 * compares the signature in constant time and checks exp, iat, iss and aud.
 */
export class AccessTokens {
  private readonly key: Buffer;

  constructor(
    secret: string,
    readonly ttlSeconds: number,
    private readonly now: () => number = Date.now,
  ) {
    if (secret.length < 32) throw new Error('JWT secret must be at least 32 characters');
    this.key = Buffer.from(secret, 'utf8');
  }

  sign(input: { sub: string; role: Role; sid: string }): { token: string; claims: AccessClaims } {
    const iat = Math.floor(this.now() / 1000);
    const claims: AccessClaims = {
      sub: input.sub,
      role: input.role,
      sid: input.sid,
      jti: randomUUID(),
      iat,
      exp: iat + this.ttlSeconds,
      iss: ISSUER,
      aud: AUDIENCE,
    };
    const payload = Buffer.from(JSON.stringify(claims)).toString('base64url');
    return { token: `${HEADER}.${payload}.${this.mac(`${HEADER}.${payload}`)}`, claims };
  }

  verify(token: string): VerifyResult {
    if (typeof token !== 'string' || token.length > 4096) return { ok: false, reason: 'invalid' };
    const parts = token.split('.');
    if (parts.length !== 3 || !parts.every((p) => B64URL.test(p))) return { ok: false, reason: 'invalid' };
    const [header, payload, signature] = parts as [string, string, string];
    const expected = Buffer.from(this.mac(`${header}.${payload}`), 'base64url');
    const given = Buffer.from(signature, 'base64url');
    if (given.length !== expected.length || !timingSafeEqual(given, expected))
      return { ok: false, reason: 'invalid' };
    let h: unknown;
    let c: Partial<AccessClaims>;
    try {
      h = JSON.parse(Buffer.from(header, 'base64url').toString('utf8'));
      c = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    } catch {
      return { ok: false, reason: 'invalid' };
    }
    if ((h as { alg?: unknown })?.alg !== 'HS256') return { ok: false, reason: 'invalid' };
    const now = Math.floor(this.now() / 1000);
    if (
      typeof c !== 'object' ||
      c === null ||
      typeof c.sub !== 'string' ||
      typeof c.sid !== 'string' ||
      typeof c.jti !== 'string' ||
      !isRole(c.role) ||
      !Number.isInteger(c.iat) ||
      !Number.isInteger(c.exp) ||
      c.iss !== ISSUER ||
      c.aud !== AUDIENCE ||
      (c.iat as number) > now + CLOCK_SKEW_SECONDS
    ) {
      return { ok: false, reason: 'invalid' };
    }
    if ((c.exp as number) <= now) return { ok: false, reason: 'expired' };
    return { ok: true, claims: c as AccessClaims };
  }

  private mac(input: string): string {
    return createHmac('sha256', this.key).update(input).digest('base64url');
  }
}
