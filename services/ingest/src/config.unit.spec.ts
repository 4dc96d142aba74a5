import { createHash } from 'node:crypto';
import { configFromEnv } from './config';

describe('ingest configuration from the environment', () => {
  it('reads the platform-wide names nagare up passes, with defaults for the rest', () => {
    const c = configFromEnv({
      HOST: '127.0.0.1',
      PORT: '8090',
      KAFKA_BROKERS: '127.0.0.1:9092, 127.0.0.1:9093',
      SCHEMA_REGISTRY_URL: 'http://127.0.0.1:8081',
      REDIS_URL: 'redis://127.0.0.1:6379/0',
    });
    expect(c).toMatchObject({
      host: '127.0.0.1',
      port: 8090,
      brokers: ['127.0.0.1:9092', '127.0.0.1:9093'],
      schemaRegistryUrl: 'http://127.0.0.1:8081',
      redisUrl: 'redis://127.0.0.1:6379/0',
      maxAgeMs: 3_600_000,
      maxFutureMs: 300_000,
    });
  });

  it('accepts the NAGARE_ forms and webhook sources, and refuses bad values', () => {
    const tokenSha256 = createHash('sha256').update('t').digest('hex');
    const c = configFromEnv({
      NAGARE_BROKERS: 'b:9092',
      NAGARE_INGEST_WEBHOOK_SOURCES: JSON.stringify([
        { name: 'am', format: 'alertmanager', auth: { type: 'bearer', tokenSha256 } },
      ]),
    });
    expect(c.brokers).toEqual(['b:9092']);
    expect(c.webhookSources[0]).toMatchObject({ name: 'am', hostLabel: 'nagare_host_id' });
    expect(() => configFromEnv({ PORT: 'eighty' })).toThrow();
    expect(() =>
      configFromEnv({
        INGEST_WEBHOOK_SOURCES: JSON.stringify([
          { name: 'g', format: 'generic', auth: { type: 'bearer', tokenSha256 } },
        ]),
      }),
    ).toThrow(/mapping/);
    expect(() =>
      configFromEnv({
        INGEST_WEBHOOK_SOURCES: JSON.stringify([
          { name: 'z', format: 'zabbix', auth: { type: 'hmac', secret: 'inline-secret' } },
        ]),
      }),
    ).toThrow(/reference/);
  });
});
