import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** 256-bit random secret, base64url, with a kind prefix so leaked secrets are recognisable (secret scanners). */
export const newSecret = (prefix: string, bytes = 32): string =>
  `${prefix}${randomBytes(bytes).toString('base64url')}`;

/**
 * High-entropy secrets (tokens, keys) are stored as SHA-256: a slow hash adds nothing when the
 * input already has 256 bits of entropy, and a lookup by hash stays an index probe.
 */
export const sha256 = (value: string): Buffer => createHash('sha256').update(value, 'utf8').digest();

export const sameHash = (a: Buffer, b: Buffer): boolean => a.length === b.length && timingSafeEqual(a, b);
