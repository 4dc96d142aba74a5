// LiveClient against a real Socket.IO server on a random port: rooms, re-subscription and
// refetch after a reconnect, and a refused token answered by a refresh.
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import { LiveClient, type LiveStatus } from './socket';

async function until(check: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('LiveClient', () => {
  let http: HttpServer;
  let io: Server;
  let url: string;
  let validToken = 'good';
  const subscriptions: string[] = [];

  beforeEach(async () => {
    subscriptions.length = 0;
    validToken = 'good';
    http = createServer();
    io = new Server(http);
    io.use((socket, next) => {
      if (socket.handshake.auth?.token === validToken) return next();
      const err = new Error('unauthenticated') as Error & { data?: unknown };
      err.data = { code: 'unauthenticated' };
      next(err);
    });
    io.on('connection', (socket) => {
      socket.on('subscribe', ({ room }: { room: string }, ack?: (r: unknown) => void) => {
        subscriptions.push(room);
        if (room === 'forbidden') return ack?.({ ok: false, error: { code: 'forbidden', message: 'no' } });
        socket.join(room);
        ack?.({ ok: true });
      });
      socket.on('unsubscribe', ({ room }: { room: string }) => {
        subscriptions.push(`-${room}`);
        socket.leave(room);
      });
    });
    await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  });

  afterEach(async () => {
    io.close();
    await new Promise((r) => http.close(r));
  });

  it('joins rooms once, delivers events, and leaves with the last user', async () => {
    const client = new LiveClient({ url, token: () => 'good', refresh: async () => false });
    const leaveA = client.join('hosts');
    const leaveB = client.join('hosts');
    const got: unknown[] = [];
    client.on('update', (m) => got.push(m));
    client.connect();
    await until(() => subscriptions.includes('hosts'), 'subscription');
    io.to('hosts').emit('update', {
      room: 'hosts',
      view: 'hosts',
      key: 'h1',
      version: 2,
      delta: { hostname: 'a' },
    });
    await until(() => got.length === 1, 'update');
    expect(got[0]).toMatchObject({ key: 'h1', version: 2 });
    leaveA();
    leaveB();
    leaveB();
    await until(() => subscriptions.includes('-hosts'), 'unsubscribe');
    expect(subscriptions.filter((s) => s === 'hosts')).toHaveLength(1);
    expect(subscriptions.filter((s) => s === '-hosts')).toHaveLength(1);
    client.disconnect();
  });

  it('re-subscribes every room and asks for a refetch after a reconnect', async () => {
    const client = new LiveClient({ url, token: () => 'good', refresh: async () => false });
    const statuses: LiveStatus[] = [];
    client.onStatus((s) => statuses.push(s));
    let resyncs = 0;
    client.onResync(() => resyncs++);
    client.join('alerts');
    client.connect();
    await until(() => subscriptions.includes('alerts'), 'first subscription');
    expect(resyncs).toBe(0);
    io.disconnectSockets();
    await until(() => subscriptions.filter((s) => s === 'alerts').length === 2, 're-subscription');
    await until(() => resyncs === 1, 'resync');
    expect(statuses).toEqual(expect.arrayContaining(['connecting', 'connected', 'reconnecting']));
    client.disconnect();
  });

  it('refreshes a refused token and connects with the new one', async () => {
    let token = 'expired';
    let refreshes = 0;
    const client = new LiveClient({
      url,
      token: () => token,
      refresh: async () => {
        refreshes++;
        token = 'good';
        return true;
      },
    });
    client.connect();
    await until(() => client.status === 'connected', 'connection after refresh');
    expect(refreshes).toBe(1);
    client.disconnect();
  });

  it('reports a refused room', async () => {
    const client = new LiveClient({ url, token: () => 'good', refresh: async () => false });
    const errors: string[] = [];
    client.onRoomError((room, e) => errors.push(`${room}:${e.code}`));
    client.join('forbidden');
    client.connect();
    await until(() => errors.length === 1, 'room error');
    expect(errors).toEqual(['forbidden:forbidden']);
    client.disconnect();
  });
});
