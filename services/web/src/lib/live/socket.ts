// Socket.IO client for the gateway's live rooms. Rooms are reference-counted so several views
// can share one; after every reconnect the client re-subscribes to all of them and tells the
// views to refetch REST state (the socket carries deltas, REST carries truth).
import { io, type Socket } from 'socket.io-client';
import type {
  CommandOutputMessage,
  CommandStateMessage,
  HostMetricsMessage,
  UpdateMessage,
} from '../api/types';

export type LiveStatus = 'idle' | 'connecting' | 'connected' | 'reconnecting' | 'offline';

export interface LiveEvents {
  update: UpdateMessage;
  'host.metrics': HostMetricsMessage;
  'command.output': CommandOutputMessage;
  'command.state': CommandStateMessage;
}

type Handler<T> = (msg: T) => void;

export interface LiveOptions {
  /** Current access token (read at every handshake, so a refreshed token is used). */
  token: () => string | null;
  /** Called when the server refuses the token; resolves true when a new one was obtained. */
  refresh: () => Promise<boolean>;
  url?: string;
  path?: string;
}

export class LiveClient {
  private socket: Socket | null = null;
  private rooms = new Map<string, number>();
  private handlers = new Map<keyof LiveEvents, Set<Handler<unknown>>>();
  private statusListeners = new Set<(s: LiveStatus) => void>();
  private resyncListeners = new Set<() => void>();
  private roomErrors = new Set<(room: string, error: { code: string; message: string }) => void>();
  private everConnected = false;
  private _status: LiveStatus = 'idle';

  constructor(private readonly options: LiveOptions) {}

  get status(): LiveStatus {
    return this._status;
  }

  private setStatus(s: LiveStatus): void {
    if (s === this._status) return;
    this._status = s;
    for (const l of this.statusListeners) l(s);
  }

  onStatus(listener: (s: LiveStatus) => void): () => void {
    this.statusListeners.add(listener);
    listener(this._status);
    return () => this.statusListeners.delete(listener);
  }

  /** Called after a reconnect (not the first connect): refetch REST state. */
  onResync(listener: () => void): () => void {
    this.resyncListeners.add(listener);
    return () => this.resyncListeners.delete(listener);
  }

  onRoomError(listener: (room: string, error: { code: string; message: string }) => void): () => void {
    this.roomErrors.add(listener);
    return () => this.roomErrors.delete(listener);
  }

  on<E extends keyof LiveEvents>(event: E, handler: Handler<LiveEvents[E]>): () => void {
    let set = this.handlers.get(event);
    if (!set) {
      set = new Set();
      this.handlers.set(event, set);
      this.socket?.on(event as string, (msg: unknown) => this.dispatch(event, msg));
    }
    set.add(handler as Handler<unknown>);
    return () => set.delete(handler as Handler<unknown>);
  }

  private dispatch(event: keyof LiveEvents, msg: unknown): void {
    for (const h of this.handlers.get(event) ?? []) {
      try {
        h(msg);
      } catch (err) {
        console.error(`live ${event} handler failed`, err);
      }
    }
  }

  connect(): void {
    if (this.socket) return;
    this.setStatus('connecting');
    const socket = io(this.options.url ?? '', {
      path: this.options.path ?? '/socket.io',
      transports: ['websocket'],
      auth: (cb) => cb({ token: this.options.token() ?? '' }),
      reconnectionDelay: 500,
      reconnectionDelayMax: 5000,
    });
    this.socket = socket;
    for (const event of this.handlers.keys())
      socket.on(event as string, (msg: unknown) => this.dispatch(event, msg));
    socket.on('connect', () => {
      const resync = this.everConnected;
      this.everConnected = true;
      this.setStatus('connected');
      for (const room of this.rooms.keys()) this.subscribe(room);
      if (resync) for (const l of this.resyncListeners) l();
    });
    socket.on('disconnect', (reason) => {
      // A server-side disconnect is not retried by socket.io itself.
      if (reason === 'io server disconnect') socket.connect();
      this.setStatus('reconnecting');
    });
    socket.on('connect_error', async (err: Error & { data?: { code?: string } }) => {
      this.setStatus(this.everConnected ? 'reconnecting' : 'offline');
      const code = err.data?.code ?? err.message;
      if (code === 'unauthenticated' || code === 'token_expired' || code === 'invalid_token') {
        // The manager stops retrying after a middleware refusal: get a token, then try again.
        if (await this.options.refresh()) socket.connect();
        else
          setTimeout(() => {
            // Still ours and still signed in (a lost session disconnects and drops the socket).
            if (this.socket === socket && !socket.connected) socket.connect();
          }, 5000);
      }
    });
  }

  disconnect(): void {
    this.socket?.disconnect();
    this.socket = null;
    this.everConnected = false;
    this.setStatus('idle');
  }

  private subscribe(room: string): void {
    this.socket?.emit(
      'subscribe',
      { room },
      (ack: { ok: boolean; error?: { code: string; message: string } } | undefined) => {
        if (ack && !ack.ok && ack.error) for (const l of this.roomErrors) l(room, ack.error);
      },
    );
  }

  /** Join a room; the returned function leaves it (when the last user leaves). */
  join(room: string): () => void {
    const n = this.rooms.get(room) ?? 0;
    this.rooms.set(room, n + 1);
    if (n === 0 && this.socket?.connected) this.subscribe(room);
    let left = false;
    return () => {
      if (left) return;
      left = true;
      const count = (this.rooms.get(room) ?? 1) - 1;
      if (count > 0) {
        this.rooms.set(room, count);
        return;
      }
      this.rooms.delete(room);
      if (this.socket?.connected) this.socket.emit('unsubscribe', { room });
    };
  }
}
