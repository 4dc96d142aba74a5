import { configFromEnv } from './config';

describe('configFromEnv', () => {
  it('applies the documented defaults', () => {
    const config = configFromEnv({ NAGARE_DATABASE_URL: 'postgres://x@h/db' });
    expect(config).toMatchObject({
      schema: 'nagare_read',
      timescale: 'auto',
      retention: { rawDays: 2, minuteDays: 30, hourDays: 365 },
      redisUrl: undefined,
      brokers: ['127.0.0.1:9092'],
      groupPrefix: 'nagare-projector',
    });
  });

  it('names the variable that is wrong', () => {
    expect(() => configFromEnv({})).toThrow(/NAGARE_DATABASE_URL/);
    expect(() => configFromEnv({ DATABASE_URL: 'postgres://x@h/db', NAGARE_TIMESCALE: 'maybe' })).toThrow(
      /NAGARE_TIMESCALE/,
    );
    expect(() =>
      configFromEnv({ DATABASE_URL: 'postgres://x@h/db', NAGARE_RETENTION_RAW_DAYS: '-1' }),
    ).toThrow(/NAGARE_RETENTION_RAW_DAYS/);
  });
});
