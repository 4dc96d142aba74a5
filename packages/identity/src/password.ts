import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

export interface ScryptParams {
  /** log2 of the CPU/memory cost N. */
  ln: number;
  r: number;
  p: number;
}

/** Current parameters: N = 2^15, r = 8, p = 1 (32 MiB, OWASP's scrypt baseline). */
export const DEFAULT_SCRYPT: ScryptParams = { ln: 15, r: 8, p: 1 };
const MIN_LN = 15;
const KEY_LENGTH = 32;
const SALT_LENGTH = 16;
const FORMAT_VERSION = 1;

export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 1024;

function derive(password: string, salt: Buffer, params: ScryptParams, keyLength: number): Promise<Buffer> {
  const N = 2 ** params.ln;
  return new Promise((resolve, reject) =>
    scrypt(
      password.normalize('NFC'),
      salt,
      keyLength,
      // scrypt needs 128 * N * r bytes; node's default maxmem (32 MiB) is exactly at that edge.
      { N, r: params.r, p: params.p, maxmem: 256 * N * params.r + 1024 * 1024 },
      (err, key) => (err ? reject(err) : resolve(key)),
    ),
  );
}

interface ParsedHash {
  params: ScryptParams;
  salt: Buffer;
  key: Buffer;
}

/** `$scrypt$v=1$ln=15,r=8,p=1$<salt b64>$<key b64>`: parameters travel with the hash. */
function parse(stored: string): ParsedHash | undefined {
  const m =
    /^\$scrypt\$v=(\d+)\$ln=(\d+),r=(\d+),p=(\d+)\$([A-Za-z0-9+/]+={0,2})\$([A-Za-z0-9+/]+={0,2})$/.exec(
      stored,
    );
  if (!m || Number(m[1]) !== FORMAT_VERSION) return undefined;
  const params = { ln: Number(m[2]), r: Number(m[3]), p: Number(m[4]) };
  if (params.ln < 10 || params.ln > 22 || params.r < 1 || params.r > 32 || params.p < 1 || params.p > 16)
    return undefined;
  return { params, salt: Buffer.from(m[5] as string, 'base64'), key: Buffer.from(m[6] as string, 'base64') };
}

export class PasswordHasher {
  constructor(readonly params: ScryptParams = DEFAULT_SCRYPT) {
    if (params.ln < MIN_LN || params.r < 8 || params.p < 1) {
      throw new Error(`scrypt parameters below the floor (N=2^${MIN_LN}, r=8, p=1)`);
    }
  }

  async hash(password: string): Promise<string> {
    const salt = randomBytes(SALT_LENGTH);
    const key = await derive(password, salt, this.params, KEY_LENGTH);
    const { ln, r, p } = this.params;
    return `$scrypt$v=${FORMAT_VERSION}$ln=${ln},r=${r},p=${p}$${salt.toString('base64')}$${key.toString('base64')}`;
  }

  /** Constant-time comparison of the derived key; an unparseable hash never matches. */
  async verify(password: string, stored: string): Promise<boolean> {
    const parsed = parse(stored);
    if (!parsed) return false;
    const key = await derive(password, parsed.salt, parsed.params, parsed.key.length);
    return timingSafeEqual(key, parsed.key);
  }

  /** True when the stored hash uses weaker parameters than the current ones (rehash at next login). */
  needsRehash(stored: string): boolean {
    const parsed = parse(stored);
    if (!parsed) return true;
    const { ln, r, p } = parsed.params;
    return ln < this.params.ln || r < this.params.r || p < this.params.p || parsed.key.length < KEY_LENGTH;
  }
}

/** Why a password is refused, or undefined when acceptable. */
export function passwordProblem(password: string, username?: string): string | undefined {
  if (typeof password !== 'string') return 'password must be a string';
  if (password.length < PASSWORD_MIN_LENGTH)
    return `password must have at least ${PASSWORD_MIN_LENGTH} characters`;
  if (password.length > PASSWORD_MAX_LENGTH)
    return `password must have at most ${PASSWORD_MAX_LENGTH} characters`;
  if (username && password.toLowerCase().includes(username.toLowerCase()))
    return 'password must not contain the username';
  if (new Set(password).size < 4) return 'password is too repetitive';
  return undefined;
}
