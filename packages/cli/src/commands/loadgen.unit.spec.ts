import { buildProgram } from '../program';
import { parseDuration } from './loadgen';

describe('nagare loadgen', () => {
  it('parses durations with units', () => {
    expect(['250ms', '5s', '1.5s', '2m', '1h', '40'].map(parseDuration)).toEqual([
      250, 5000, 1500, 120_000, 3_600_000, 40,
    ]);
    expect(() => parseDuration('soon')).toThrow(/not a duration/);
  });

  it('is part of the command tree with its options', () => {
    const cmd = buildProgram().commands.find((c) => c.name() === 'loadgen');
    expect(cmd?.options.map((o) => o.long)).toEqual(
      expect.arrayContaining(['--agents', '--series', '--interval', '--duration', '--url', '--tokens']),
    );
  });
});
