import { readFileSync } from 'node:fs';
import path from 'node:path';
import { DEFAULT_CONFIG, parseConfig } from './config';

describe('config', () => {
  it('the example file is valid and spells out exactly the defaults', () => {
    const text = readFileSync(path.join(__dirname, '..', 'config.example.yaml'), 'utf8');
    expect(parseConfig(text)).toEqual(DEFAULT_CONFIG);
  });

  it('merges a partial file over the defaults (YAML or JSON)', () => {
    const c = parseConfig(
      'intervalSeconds: 10\ncollectors: { docker: false }\nprobes: { targets: [{ host: db, port: 5432 }] }\n',
    );
    expect(c.intervalSeconds).toBe(10);
    expect(c.collectors.docker).toBe(false);
    expect(c.collectors.cpu).toBe(true);
    expect(c.probes.targets).toEqual([{ host: 'db', port: 5432 }]);
    expect(parseConfig('{"topK": 3}').topK).toBe(3);
    expect(parseConfig('').dataDir).toBe('/var/lib/nagare-agent');
  });

  it('rejects typos, wrong types and bad values with the path', () => {
    expect(() => parseConfig('intervalSecond: 5')).toThrow(/intervalSecond: unknown setting/);
    expect(() => parseConfig('collectors: { cpu: "yes" }')).toThrow(/collectors.cpu: expected a boolean/);
    expect(() => parseConfig('intervalSeconds: 0')).toThrow(/intervalSeconds/);
    expect(() => parseConfig('dataDir: relative/dir')).toThrow(/absolute/);
    expect(() => parseConfig('server: ftp://x')).toThrow(/server/);
    expect(() => parseConfig('executor: { bwrap: sometimes }')).toThrow(/bwrap/);
    expect(() => parseConfig('probes: { targets: [{ host: db }] }')).toThrow(/probes.targets\[0\]/);
    expect(() => parseConfig('a: [')).toThrow(/not valid YAML/);
  });
});
