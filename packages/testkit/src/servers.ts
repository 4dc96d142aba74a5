/**
 * Real servers the integration tests use. tools/jest-global-setup.cjs probes them once per
 * run. Under CI=true a missing server fails the suite (CI never passes by skipping);
 * elsewhere the suite is skipped and the reason printed.
 */
export type Server = 'postgres' | 'redis';

export const postgresAdminUrl = (): string =>
  process.env.NAGARE_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export const redisTestUrl = (): string => process.env.NAGARE_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/15';

export const isCi = (): boolean => /^(1|true|yes)$/i.test(process.env.CI ?? '');

/** Why the server is unavailable, or undefined when it answered the probe. */
export function serverMissing(server: Server): string | undefined {
  const reason =
    server === 'postgres' ? process.env.NAGARE_TEST_POSTGRES_MISSING : process.env.NAGARE_TEST_REDIS_MISSING;
  return reason ? reason : undefined;
}

/** `describe` for a suite that needs a real server. */
export function describeWithServer(servers: Server | Server[], title: string, body: () => void): void {
  const missing = ([] as Server[])
    .concat(servers)
    .map((s) => [s, serverMissing(s)] as const)
    .filter(([, reason]) => reason !== undefined);
  if (missing.length === 0) {
    describe(title, body);
    return;
  }
  const why = missing
    .map(([s, reason]) => `${s} at ${s === 'postgres' ? postgresAdminUrl() : redisTestUrl()}: ${reason}`)
    .join('; ');
  if (isCi()) {
    describe(title, () => {
      it(`needs ${why}`, () => {
        throw new Error(`required server missing under CI=true: ${why}`);
      });
    });
    return;
  }
  console.warn(`skipping "${title}": required server missing: ${why}`);
  describe.skip(title, body);
}
