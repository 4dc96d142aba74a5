import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { GenericMapping } from './normalize';

export const WebhookFormat = z.enum(['alertmanager', 'zabbix', 'generic']);
export type WebhookFormat = z.infer<typeof WebhookFormat>;

/**
 * One configured sender. Secrets never appear in configuration: bearer tokens as their SHA-256
 * hex digest, HMAC keys as a reference (`env:NAME` or `file:/path`) resolved at start.
 */
export const WebhookSourceConfig = z
  .strictObject({
    name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/, 'letters, digits, _ . - (max 63)'),
    format: WebhookFormat,
    auth: z.discriminatedUnion('type', [
      z.strictObject({ type: z.literal('bearer'), tokenSha256: z.string().regex(/^[0-9a-f]{64}$/) }),
      z.strictObject({
        type: z.literal('hmac'),
        secret: z.string().regex(/^(env|file):.+$/, 'a reference: env:NAME or file:/path'),
        /** Header carrying `sha256=<hex>` (or bare hex) of HMAC-SHA256(secret, raw body). */
        header: z.string().default('x-nagare-signature'),
      }),
    ]),
    /** Label (Alertmanager, generic) naming the Nagare host id. */
    hostLabel: z.string().default('nagare_host_id'),
    /** Zabbix server time zone offset for {EVENT.DATE}/{EVENT.TIME}, e.g. "+01:00"; Z for UTC. */
    utcOffset: z
      .string()
      .regex(/^(Z|[+-]\d{2}:\d{2})$/)
      .default('Z'),
    mapping: GenericMapping.optional(),
  })
  .refine((s) => s.format !== 'generic' || s.mapping !== undefined, {
    message: 'a generic source needs a mapping',
    path: ['mapping'],
  });
export type WebhookSourceConfig = z.infer<typeof WebhookSourceConfig>;

export function resolveSecretRef(ref: string, env: NodeJS.ProcessEnv = process.env): Buffer {
  const [kind, ...rest] = ref.split(':');
  const target = rest.join(':');
  const value =
    kind === 'env' ? env[target] : kind === 'file' ? readFileSync(target, 'utf8').trim() : undefined;
  if (!value) throw new Error(`webhook secret ${ref} is empty or not set`);
  return Buffer.from(value, 'utf8');
}

export interface WebhookSource {
  config: WebhookSourceConfig;
  /** True when the request carries this source's credential. Constant time in the secret. */
  verify(headers: Record<string, string | string[] | undefined>, rawBody: Buffer): boolean;
}

const header = (h: Record<string, string | string[] | undefined>, name: string): string | undefined => {
  const v = h[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
};

function equalDigests(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

export function buildWebhookSource(
  config: WebhookSourceConfig,
  env: NodeJS.ProcessEnv = process.env,
): WebhookSource {
  const auth = config.auth;
  if (auth.type === 'bearer') {
    const expected = Buffer.from(auth.tokenSha256, 'hex');
    return {
      config,
      verify(headers) {
        const m = /^Bearer\s+(\S+)\s*$/i.exec(header(headers, 'authorization') ?? '');
        if (!m) return false;
        // Digests of equal length are compared, so the token's length leaks nothing either.
        return equalDigests(createHash('sha256').update(m[1]!, 'utf8').digest(), expected);
      },
    };
  }
  const secret = resolveSecretRef(auth.secret, env);
  return {
    config,
    verify(headers, rawBody) {
      const given = (header(headers, auth.header) ?? '').trim().replace(/^sha256=/i, '');
      if (!/^[0-9a-fA-F]{64}$/.test(given)) return false;
      const expected = createHmac('sha256', secret).update(rawBody).digest();
      return equalDigests(Buffer.from(given, 'hex'), expected);
    },
  };
}
