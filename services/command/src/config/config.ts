import { readFileSync } from 'node:fs';
import { envList } from '@nagare/service-kit';
import { z } from 'zod';
import { CommandPolicyConfig, defaultCommandPolicy } from '../policy/command-policy';

const ms = (def: number) => z.coerce.number().int().min(0).default(def);

/**
 * Environment of the command service (merged with the service kit's HOST, PORT, LOG_LEVEL, ...);
 * every variable is documented in docs/command-service.md.
 */
export const commandEnvSchema = z.object({
  /** Shared secret the gateway sends in x-nagare-internal-token. */
  INTERNAL_TOKEN: z.string().min(16, 'must be at least 16 characters'),
  KAFKA_BROKERS: envList().pipe(z.array(z.string()).min(1, 'name at least one broker (host:port)')),
  SCHEMA_REGISTRY_URL: z.url().optional(),
  KAFKA_GROUP: z.string().default('nagare-command'),
  /** PEM of the Ed25519 private key, or a path to it in COMMAND_SIGNING_KEY_FILE. */
  COMMAND_SIGNING_KEY: z.string().optional(),
  COMMAND_SIGNING_KEY_FILE: z.string().optional(),
  COMMAND_SIGNING_KEY_ID: z.string().default('k1'),
  /** JSON of CommandPolicyConfig, or a path to it in COMMAND_POLICY_FILE. */
  COMMAND_POLICY: z.string().optional(),
  COMMAND_POLICY_FILE: z.string().optional(),
  HOST_OFFLINE_GRACE_MS: ms(90_000),
  DISPATCH_TTL_MS: ms(300_000),
  COMMAND_TIMEOUT_GRACE_MS: ms(30_000),
  DEFAULT_COMMAND_TIMEOUT_MS: ms(60_000),
  DEFAULT_OUTPUT_CAP_BYTES: ms(1 << 20),
  MAX_FAN_OUT: z.coerce.number().int().min(1).default(1000),
  TIMER_TICK_MS: z.coerce.number().int().min(10).default(1000),
});
export type CommandEnv = z.infer<typeof commandEnvSchema>;

export interface CommandServiceConfig {
  internalToken: string;
  kafka: { brokers: string[]; registryUrl: string | null; groupId: string };
  signingKey: { pem: string; keyId: string } | null;
  policy: CommandPolicyConfig;
  hostOfflineGraceMs: number;
  dispatchTtlMs: number;
  timeoutGraceMs: number;
  defaultTimeoutMs: number;
  defaultOutputCapBytes: number;
  maxFanOut: number;
  timerTickMs: number;
}

/** From the validated environment: reads the key and policy files, checks the policy. */
export function commandConfigFrom(e: CommandEnv): CommandServiceConfig {
  const pem =
    e.COMMAND_SIGNING_KEY ?? (e.COMMAND_SIGNING_KEY_FILE && readFileSync(e.COMMAND_SIGNING_KEY_FILE, 'utf8'));
  const policyJson =
    e.COMMAND_POLICY ?? (e.COMMAND_POLICY_FILE && readFileSync(e.COMMAND_POLICY_FILE, 'utf8'));
  let policy = defaultCommandPolicy;
  if (policyJson) {
    const p = CommandPolicyConfig.safeParse(JSON.parse(policyJson));
    if (!p.success)
      throw new Error(
        `invalid command policy: ${p.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
      );
    policy = p.data;
  }
  return {
    internalToken: e.INTERNAL_TOKEN,
    kafka: {
      brokers: e.KAFKA_BROKERS,
      registryUrl: e.SCHEMA_REGISTRY_URL ?? null,
      groupId: e.KAFKA_GROUP,
    },
    signingKey: pem ? { pem, keyId: e.COMMAND_SIGNING_KEY_ID } : null,
    policy,
    hostOfflineGraceMs: e.HOST_OFFLINE_GRACE_MS,
    dispatchTtlMs: e.DISPATCH_TTL_MS,
    timeoutGraceMs: e.COMMAND_TIMEOUT_GRACE_MS,
    defaultTimeoutMs: e.DEFAULT_COMMAND_TIMEOUT_MS,
    defaultOutputCapBytes: e.DEFAULT_OUTPUT_CAP_BYTES,
    maxFanOut: e.MAX_FAN_OUT,
    timerTickMs: e.TIMER_TICK_MS,
  };
}

/** DI token for the config object. */
export const CONFIG = Symbol('CommandServiceConfig');
