import { Outbox } from './outbox';
import { authorizeRoom } from './rooms';
import { routeCommandOutput, routeProjectionUpdate } from './routing';

describe('Outbox', () => {
  it('keeps only the newest version per key, in first-arrival order, and never moves a key backwards', () => {
    const o = new Outbox(10);
    o.push({ event: 'update', payload: 'a1', coalesce: 'alerts:a', version: 1 });
    o.push({ event: 'update', payload: 'b1', coalesce: 'alerts:b', version: 1 });
    o.push({ event: 'update', payload: 'a3', coalesce: 'alerts:a', version: 3 });
    o.push({ event: 'update', payload: 'a2', coalesce: 'alerts:a', version: 2 });
    expect(o.take(10).map((m) => m.payload)).toEqual(['a3', 'b1']);
    expect(o.coalesced).toBe(2);
  });

  it('never coalesces output chunks and reports when the bound is exceeded', () => {
    const o = new Outbox(3);
    expect([1, 2, 3].map((i) => o.push({ event: 'command.output', payload: i }))).toEqual([true, true, true]);
    expect(o.push({ event: 'command.output', payload: 4 })).toBe(false);
    expect(o.take(2).map((m) => m.payload)).toEqual([1, 2]);
    expect(o.size).toBe(2);
  });
});

describe('rooms', () => {
  it('authorizes by the table and refuses unknown or malformed rooms', () => {
    expect(authorizeRoom('hosts', 'viewer')).toEqual({ ok: true });
    expect(authorizeRoom('command/c1', 'viewer')).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(authorizeRoom('command/c1', 'auditor')).toEqual({ ok: true });
    expect(authorizeRoom('host/../x', 'admin')).toMatchObject({ ok: false, error: { code: 'unknown_room' } });
    expect(authorizeRoom(42, 'admin')).toMatchObject({ ok: false, error: { code: 'invalid_room' } });
  });
});

describe('routing', () => {
  it('sends host-metrics to the fleet room and the host room with the key figures', () => {
    const routed = routeProjectionUpdate({
      view: 'host-metrics',
      key: 'h1',
      version: 5000,
      at: 5001,
      delta: JSON.stringify({
        lastSeenAt: 5000,
        metrics: {
          'cpu_usage_percent{cpu="total",mode="idle"}': 60,
          'cpu_usage_percent{cpu="0",mode="idle"}': 50,
          'cpu_usage_percent{cpu="1",mode="idle"}': 70,
          'net_rx_bytes_per_second{interface="eth0"}': 10,
          'net_rx_bytes_per_second{interface="lo"}': 99,
          'net_rx_bytes_per_second{interface="eth1"}': 5,
          load1: 0.5,
        },
      }),
    });
    expect(routed.map((r) => [r.room, r.message.event])).toEqual([
      ['hosts', 'update'],
      ['host/h1', 'host.metrics'],
    ]);
    expect(routed[1]!.message.payload).toEqual({
      hostId: 'h1',
      at: 5000,
      values: {
        cpuPercent: 40,
        cpuPerCore: [50, 30],
        memoryUsedPercent: null,
        diskUsedPercent: null,
        load1: 0.5,
        netRxBytesPerSec: 15,
        netTxBytesPerSec: null,
      },
    });
  });

  it('turns command status changes into command.state and skips views without a room', () => {
    const routed = routeProjectionUpdate({
      view: 'commands',
      key: 'c1',
      version: 2,
      at: 1,
      delta: '{"status":"requested","requires_approval":true}',
    });
    expect(routed[1]).toEqual({
      room: 'command/c1',
      message: {
        event: 'command.state',
        payload: { commandId: 'c1', state: 'awaiting_approval', version: 2 },
        coalesce: 'command.state:c1',
        version: 2,
      },
    });
    expect(routeProjectionUpdate({ view: 'audit', key: 's', version: 1, at: 1, delta: '{}' })).toEqual([]);
    expect(
      routeProjectionUpdate({ view: 'alerts', key: 'a', version: 1, at: 1, delta: 'not json' })[0]!.message
        .payload,
    ).toMatchObject({ delta: {} });
  });

  it('maps agent output records to command.output (lossy UTF-8) and command.state', () => {
    expect(
      routeCommandOutput('nagare.command.CommandOutputChunk', {
        commandId: 'c1',
        seq: 3,
        stream: 'STDERR',
        data: Buffer.from([0x61, 0xff]),
        at: 9,
      })[0]!.message,
    ).toEqual({
      event: 'command.output',
      payload: { commandId: 'c1', seq: 3, stream: 'STDERR', text: 'a\uFFFD', at: 9 },
    });
    expect(
      routeCommandOutput('nagare.command.CommandFinished', {
        commandId: 'c1',
        status: 'TIMED_OUT',
        exitCode: null,
        signal: 'SIGKILL',
        durationMs: 5,
        truncated: false,
        finishedAt: 10,
      })[0]!.message.payload,
    ).toMatchObject({ state: 'timed_out', signal: 'SIGKILL' });
  });
});
