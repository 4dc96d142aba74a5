import { z } from 'zod';

/** Variables every service understands, merged into each service's own schema. */
export const baseConfigSchema = z.object({
  HOST: z.string().min(1).default('0.0.0.0'),
  PORT: z.coerce.number().int().min(0).max(65535).default(0),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Whole shutdown (drain + close hooks) must finish within this, or the process exits 1. */
  SHUTDOWN_DEADLINE_MS: z.coerce.number().int().min(100).max(600_000).default(10_000),
  /** Largest accepted request body, bytes. */
  BODY_LIMIT_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .max(64 * 1024 * 1024)
    .default(1024 * 1024),
  /** When set, GET /metrics requires `Authorization: Bearer <token>`. */
  METRICS_TOKEN: z.string().min(16).optional(),
  /** Trust X-Forwarded-* from this many proxy hops (0 = none), so rate limits see the client IP. */
  TRUST_PROXY_HOPS: z.coerce.number().int().min(0).max(10).default(0),
});

export type BaseConfig = z.infer<typeof baseConfigSchema>;

export interface ConfigIssue {
  variable: string;
  problem: string;
}

/** Every invalid or missing variable at once, so an operator fixes them in one round. */
export class ConfigError extends Error {
  constructor(
    readonly service: string,
    readonly issues: ConfigIssue[],
  ) {
    super(
      `invalid configuration for ${service}: ${issues.length} problem(s)\n` +
        issues.map((i) => `  - ${i.variable}: ${i.problem}`).join('\n'),
    );
    this.name = 'ConfigError';
  }
}

// Empty strings in the environment mean "unset": `FOO= node main.js` should fall back to the default.
function normalizeEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined && v !== '') out[k] = v;
  return out;
}

/**
 * Parses environment variables against a zod object whose keys are the variable names.
 * Never echoes values: secrets live in these variables.
 */
export function loadConfig<S extends z.ZodObject>(
  service: string,
  schema: S,
  env: NodeJS.ProcessEnv = process.env,
): z.infer<S> {
  const result = schema.safeParse(normalizeEnv(env));
  if (result.success) return result.data;
  const issues = result.error.issues.map((issue): ConfigIssue => {
    const variable = issue.path.length > 0 ? issue.path.map(String).join('.') : '(environment)';
    const missing = issue.code === 'invalid_type' && /received undefined/.test(issue.message);
    return { variable, problem: missing ? 'required but not set' : issue.message };
  });
  issues.sort((a, b) => a.variable.localeCompare(b.variable));
  throw new ConfigError(service, issues);
}

/** `true/false/1/0/yes/no` from the environment (z.coerce.boolean treats "false" as true). */
export const envBoolean = (defaultValue: boolean) =>
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no'])
    .default(defaultValue ? 'true' : 'false')
    .transform((v) => v === 'true' || v === '1' || v === 'yes');

/** Comma-separated list, trimmed, empties dropped. */
export const envList = () =>
  z
    .string()
    .default('')
    .transform((v) =>
      v
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s.length > 0),
    );
