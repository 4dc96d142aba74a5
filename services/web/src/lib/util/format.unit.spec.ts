import {
  formatArgv,
  formatBytes,
  formatDuration,
  formatPercent,
  formatRate,
  formatRelative,
  parseArgv,
  parseLabels,
  severityName,
} from './format';

describe('format', () => {
  it('bytes in binary units', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(1023)).toBe('1023 B');
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(formatBytes(16 * 2 ** 30)).toBe('16.0 GiB');
    expect(formatBytes(null)).toBe('—');
    expect(formatRate(2048)).toBe('2.0 KiB/s');
  });
  it('percent and missing values', () => {
    expect(formatPercent(12.345)).toBe('12.3%');
    expect(formatPercent(Number.NaN)).toBe('—');
    expect(formatPercent(undefined)).toBe('—');
  });
  it('durations', () => {
    expect(formatDuration(250)).toBe('250 ms');
    expect(formatDuration(1234)).toBe('1.2 s');
    expect(formatDuration(90_000)).toBe('1m 30s');
    expect(formatDuration(7_260_000)).toBe('2h 1m');
    expect(formatDuration(90_000_000)).toBe('1d 1h');
  });
  it('relative times', () => {
    const now = 1_000_000_000;
    expect(formatRelative(now - 1000, now)).toBe('just now');
    expect(formatRelative(now - 42_000, now)).toBe('42s ago');
    expect(formatRelative(now - 5 * 60_000, now)).toBe('5m ago');
    expect(formatRelative(now + 3 * 3_600_000, now)).toBe('in 3h');
    expect(formatRelative(null, now)).toBe('—');
  });
  it('severity names follow the schema', () => {
    expect([0, 1, 2, 3, 4].map(severityName)).toEqual(['info', 'warning', 'critical', 'page', 'unknown']);
  });
  it('argv round trip through quoting', () => {
    const argv = ['echo', 'hello world', "it's", '$HOME'];
    expect(parseArgv(formatArgv(argv))).toEqual(argv);
    expect(parseArgv('ls -la "/var/log dir" \'a b\' c\\ d ""')).toEqual([
      'ls',
      '-la',
      '/var/log dir',
      'a b',
      'c d',
      '',
    ]);
    expect(() => parseArgv('echo "open')).toThrow('unterminated quote');
  });
  it('labels parse with errors reported', () => {
    expect(parseLabels('env=prod, role=db')).toEqual({ labels: { env: 'prod', role: 'db' }, errors: [] });
    expect(parseLabels('env=prod bad').errors).toEqual(['"bad" is not key=value']);
  });
});
