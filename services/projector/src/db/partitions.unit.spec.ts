import { copyText } from './copy';
import { nextPartitionStart, partitionName, partitionStart, partitionStartFromName } from './partitions';
import { ident, toJson } from './sql';

describe('partition naming', () => {
  it('names daily and monthly partitions and reads their start back', () => {
    const ts = Date.UTC(2026, 1, 28, 23, 59);
    const day = partitionStart(ts, 'day');
    expect(partitionName('metric_batches', day, 'day')).toBe('metric_batches_p20260228');
    expect(nextPartitionStart(day, 'day')).toBe(Date.UTC(2026, 2, 1));
    const month = partitionStart(ts, 'month');
    expect(partitionName('metric_rollup_1h', month, 'month')).toBe('metric_rollup_1h_p202602');
    expect(nextPartitionStart(month, 'month')).toBe(Date.UTC(2026, 2, 1));
    expect(partitionStartFromName('metric_batches_p20260228')).toBe(day);
    expect(partitionStartFromName('metric_rollup_1h_p202602')).toBe(month);
    expect(partitionStartFromName('series')).toBeUndefined();
  });
});

describe('sql helpers', () => {
  it('quotes plain identifiers and refuses anything else', () => {
    expect(ident('nagare_read')).toBe('"nagare_read"');
    expect(() => ident('a"b')).toThrow(/invalid SQL identifier/);
    expect(() => ident('1abc')).toThrow();
    expect(() => ident('x'.repeat(64))).toThrow();
  });

  it('writes Buffers as base64 in JSON', () => {
    expect(JSON.parse(toJson({ data: Buffer.from([0xff, 0]) }))).toEqual({ data: '/wA=' });
  });

  it('escapes COPY text values', () => {
    expect(copyText(null)).toBe('\\N');
    expect(copyText('a\tb\nc\\d\r')).toBe('a\\tb\\nc\\\\d\\r');
    expect(copyText({ k: 'v' })).toBe('{"k":"v"}');
    expect(copyText(42)).toBe('42');
  });
});
