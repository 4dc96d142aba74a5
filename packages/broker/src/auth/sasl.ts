import { createHash, createHmac, pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto';

export type SaslMechanism = 'PLAIN' | 'SCRAM-SHA-256';

export interface SaslOptions {
  /** user name → password. */
  users: Record<string, string>;
  mechanisms?: SaslMechanism[];
  /** PBKDF2 iterations for SCRAM (4096 is the RFC 7677 minimum). */
  scramIterations?: number;
}

export type SaslStep =
  | { done: true; user: string; reply: Buffer }
  | { done: false; reply: Buffer }
  | { error: string };

/** One authentication exchange on one connection. */
export interface SaslExchange {
  step(token: Buffer): SaslStep;
}

const safeEqual = (a: Buffer, b: Buffer): boolean => a.length === b.length && timingSafeEqual(a, b);

/** PLAIN (RFC 4616): one token `authzid NUL user NUL password`. */
export function plainExchange(opts: SaslOptions): SaslExchange {
  return {
    step(token) {
      const parts = token.toString('utf8').split('\0');
      if (parts.length !== 3) return { error: 'malformed PLAIN token' };
      const [, user, password] = parts as [string, string, string];
      const expected = Object.hasOwn(opts.users, user) ? opts.users[user]! : undefined;
      if (expected === undefined || !safeEqual(Buffer.from(expected), Buffer.from(password))) {
        return { error: `authentication failed for user ${JSON.stringify(user)}` };
      }
      return { done: true, user, reply: Buffer.alloc(0) };
    },
  };
}

const hmac = (key: Buffer, text: string): Buffer => createHmac('sha256', key).update(text).digest();
const sha256 = (b: Buffer): Buffer => createHash('sha256').update(b).digest();

function scramAttrs(s: string): Map<string, string> {
  const m = new Map<string, string>();
  for (const part of s.split(',')) {
    const i = part.indexOf('=');
    if (i > 0) m.set(part.slice(0, i), part.slice(i + 1));
  }
  return m;
}

/** SCRAM-SHA-256 (RFC 5802 / 7677) server side: client-first, then client-final. */
export function scramExchange(opts: SaslOptions): SaslExchange {
  const iterations = opts.scramIterations ?? 4096;
  let round = 0;
  let user = '';
  let clientFirstBare = '';
  let serverFirst = '';
  let nonce = '';
  let salted: Buffer | undefined;
  return {
    step(token) {
      const text = token.toString('utf8');
      if (round === 0) {
        round = 1;
        if (!text.startsWith('n,') && !text.startsWith('y,'))
          return { error: 'channel binding not supported' };
        clientFirstBare = text.slice(text.indexOf(',', 2) + 1);
        const a = scramAttrs(clientFirstBare);
        user = (a.get('n') ?? '').replace(/=2C/g, ',').replace(/=3D/g, '=');
        const cnonce = a.get('r');
        if (!cnonce || !Object.hasOwn(opts.users, user)) return { error: 'authentication failed' };
        const salt = createHash('sha256').update(`nagare-scram:${user}`).digest().subarray(0, 16);
        salted = pbkdf2Sync(opts.users[user]!, salt, iterations, 32, 'sha256');
        nonce = cnonce + randomBytes(18).toString('base64');
        serverFirst = `r=${nonce},s=${salt.toString('base64')},i=${iterations}`;
        return { done: false, reply: Buffer.from(serverFirst) };
      }
      if (round !== 1 || !salted) return { error: 'unexpected SCRAM message' };
      round = 2;
      const a = scramAttrs(text);
      const proof = Buffer.from(a.get('p') ?? '', 'base64');
      // librdkafka (through 2.x) sends client nonce + full server nonce; Kafka accepts any
      // final nonce that ends with the server's, and so do we (the random part still binds it).
      if (!(a.get('r') ?? '').endsWith(nonce)) return { error: 'SCRAM nonce mismatch' };
      const finalWithoutProof = text.slice(0, text.lastIndexOf(',p='));
      const authMessage = `${clientFirstBare},${serverFirst},${finalWithoutProof}`;
      const clientKey = hmac(salted, 'Client Key');
      const storedKey = sha256(clientKey);
      const signature = hmac(storedKey, authMessage);
      if (proof.length !== signature.length) return { error: 'authentication failed' };
      const recovered = Buffer.alloc(proof.length);
      for (let i = 0; i < proof.length; i++) recovered[i] = proof[i]! ^ signature[i]!;
      if (!safeEqual(sha256(recovered), storedKey)) return { error: 'authentication failed' };
      const serverSignature = hmac(hmac(salted, 'Server Key'), authMessage).toString('base64');
      return { done: true, user, reply: Buffer.from(`v=${serverSignature}`) };
    },
  };
}

export function saslExchange(mechanism: string, opts: SaslOptions): SaslExchange | undefined {
  const allowed = opts.mechanisms ?? ['PLAIN', 'SCRAM-SHA-256'];
  if (!allowed.includes(mechanism as SaslMechanism)) return undefined;
  if (mechanism === 'PLAIN') return plainExchange(opts);
  if (mechanism === 'SCRAM-SHA-256') return scramExchange(opts);
  return undefined;
}
