import { z } from 'zod';
import { baseConfigSchema, ConfigError, envBoolean, envList, loadConfig } from './config';
import { runService } from './service';

const schema = baseConfigSchema.extend({
  DATABASE_URL: z.url(),
  REDIS_URL: z.url().optional(),
  JWT_SECRET: z.string().min(32),
  FEATURE_X: envBoolean(false),
  ALLOWED: envList(),
});

describe('loadConfig', () => {
  it('applies defaults and coerces numbers and booleans', () => {
    const config = loadConfig('svc', schema, {
      DATABASE_URL: 'postgres://x@127.0.0.1/db',
      JWT_SECRET: 'x'.repeat(32),
      PORT: '8080',
      FEATURE_X: 'false',
      ALLOWED: 'https://a.example, https://b.example,',
    });
    expect(config.PORT).toBe(8080);
    expect(config.HOST).toBe('0.0.0.0');
    expect(config.LOG_LEVEL).toBe('info');
    expect(config.FEATURE_X).toBe(false);
    expect(config.ALLOWED).toEqual(['https://a.example', 'https://b.example']);
    expect(config.REDIS_URL).toBeUndefined();
  });

  it('lists every missing and invalid variable at once, without echoing values', () => {
    let error: unknown;
    try {
      loadConfig('svc', schema, { PORT: 'eighty', JWT_SECRET: 'short-secret-value', LOG_LEVEL: 'loud' });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const issues = (error as ConfigError).issues;
    expect(issues.map((i) => i.variable)).toEqual(['DATABASE_URL', 'JWT_SECRET', 'LOG_LEVEL', 'PORT']);
    expect(issues.find((i) => i.variable === 'DATABASE_URL')?.problem).toBe('required but not set');
    expect((error as Error).message).toContain('4 problem(s)');
    expect((error as Error).message).not.toContain('short-secret-value');
  });

  it('treats an empty variable as unset', () => {
    const config = loadConfig('svc', schema, {
      DATABASE_URL: 'postgres://x@127.0.0.1/db',
      JWT_SECRET: 'x'.repeat(32),
      PORT: '',
    });
    expect(config.PORT).toBe(0);
  });

  it('runService prints every problem and exits non-zero on bad configuration', async () => {
    const lines: string[] = [];
    const codes: number[] = [];
    const service = await runService(
      { name: 'svc', module: class EmptyModule {}, config: schema, env: { PORT: '-1' } },
      { exit: (code) => codes.push(code), stderr: (line) => lines.push(line), signals: false },
    );
    expect(service).toBeUndefined();
    expect(codes).toEqual([1]);
    expect(lines.join('\n')).toMatch(/invalid configuration for svc: 3 problem\(s\)/);
    expect(lines.join('\n')).toMatch(/DATABASE_URL: required but not set/);
    expect(lines.join('\n')).toMatch(/PORT: /);
  });
});
