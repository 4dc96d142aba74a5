import { alertState, commandState, cursor, parseMetricLabel, pickTier } from './views';

describe('read-model views', () => {
  it('picks the metric tier from the range', () => {
    expect(pickTier(0, 6 * 3600_000)).toBe('raw');
    expect(pickTier(0, 6 * 3600_000 + 1)).toBe('1m');
    expect(pickTier(0, 7 * 86_400_000)).toBe('1m');
    expect(pickTier(0, 7 * 86_400_000 + 1)).toBe('1h');
  });

  it('parses key-metric labels', () => {
    expect(parseMetricLabel('load1')).toEqual({ name: 'load1', labels: {} });
    expect(parseMetricLabel('disk_used_percent{mount="/",fs="ext4"}')).toEqual({
      name: 'disk_used_percent',
      labels: { mount: '/', fs: 'ext4' },
    });
  });

  it('maps alert and command states to the API', () => {
    expect(alertState({ state: 'firing', silenced_until: new Date(2000) }, 1000)).toBe('silenced');
    expect(alertState({ state: 'firing', silenced_until: new Date(500) }, 1000)).toBe('active');
    expect(alertState({ state: 'resolved', silenced_until: new Date(2000) }, 1000)).toBe('resolved');
    expect(commandState({ status: 'requested', requires_approval: true })).toBe('awaiting_approval');
    expect(commandState({ status: 'requested', requires_approval: false })).toBe('approved');
    expect(commandState({ status: 'timed_out' })).toBe('timed_out');
  });

  it('round-trips cursors and refuses foreign ones', () => {
    expect(cursor.decode(cursor.encode(200))).toBe(200);
    expect(cursor.decode(undefined)).toBe(0);
    expect(cursor.decode('garbage')).toBe(-1);
    expect(cursor.decode(Buffer.from('{"o":-5}').toString('base64url'))).toBe(-1);
  });
});
