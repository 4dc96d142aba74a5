import { io, type Socket } from 'socket.io-client';

/** A Socket.IO client on the websocket transport (no polling), connected or rejected. */
export function connectSocket(
  url: string,
  auth: Record<string, string> | undefined,
  opts: { origin?: string } = {},
): Promise<Socket> {
  const socket = io(url, {
    path: '/socket.io',
    transports: ['websocket'],
    auth,
    reconnection: false,
    forceNew: true,
    timeout: 5000,
    extraHeaders: opts.origin ? { origin: opts.origin } : undefined,
  });
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (err: Error & { data?: unknown }) => {
      socket.close();
      reject(err);
    });
  });
}

export function subscribe(socket: Socket, room: string): Promise<{ ok: boolean; error?: { code: string } }> {
  return socket.timeout(5000).emitWithAck('subscribe', { room });
}
