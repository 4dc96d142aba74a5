import { Client, type ClientConfig } from 'pg';
import type { Waker } from '../subscription';

/**
 * Cross-process wake-ups over LISTEN/NOTIFY. Appenders call `poke()` after their append
 * committed; pokes are coalesced (at most one NOTIFY in flight, one more queued) so a burst
 * of appends costs a handful of NOTIFYs, and the NOTIFY is its own tiny transaction instead of
 * a part of every append (NOTIFY inside a transaction serializes commits on a global lock).
 * Every poke is followed by a NOTIFY sent after it, so no commit goes unannounced; NOTIFYs are
 * at least `minIntervalMs` apart, which bounds their cost under heavy append load.
 */
export class Notifier {
  private sending = false;
  private queued = false;
  private listener: Client | undefined;
  private listening: Promise<void> | undefined;
  private closed = false;
  private retryTimer: NodeJS.Timeout | undefined;
  private sender: Promise<Client> | undefined;
  private pending: NodeJS.Timeout | undefined;

  constructor(
    private readonly channel: string,
    private readonly waker: Waker,
    private readonly listenConfig: ClientConfig,
    private readonly minIntervalMs = 10,
  ) {}

  poke(): void {
    this.waker.wake(); // subscribers in this process need no round trip
    if (this.closed) return;
    if (this.sending) {
      this.queued = true;
      return;
    }
    this.sending = true;
    const sentAt = Date.now();
    this.sendNotify()
      .catch(() => {
        // Subscribers fall back to polling; a lost wake-up only delays them.
        const c = this.sender;
        this.sender = undefined;
        c?.then((client) => client.end()).catch(() => undefined);
      })
      .finally(() => {
        if (!this.queued) {
          this.sending = false;
          return;
        }
        // Pokes arrived meanwhile: one more NOTIFY, after the minimum interval.
        const again = setTimeout(
          () => {
            this.pending = undefined;
            this.sending = false;
            this.queued = false;
            this.poke();
          },
          Math.max(0, sentAt + this.minIntervalMs - Date.now()),
        );
        again.unref();
        this.pending = again;
      });
  }

  /** NOTIFY on a connection of its own, so appenders never wait for a pool slot behind it. */
  private async sendNotify(): Promise<void> {
    if (!this.sender) {
      const client = new Client(this.listenConfig);
      client.on('error', () => undefined);
      this.sender = client.connect().then(() => client);
    }
    const client = await this.sender;
    // A NOTIFY is a transaction with an id; it need not wait for its own WAL flush (losing one
    // in a crash only delays a subscriber until its next poll), so it adds no fsync.
    await client.query(`BEGIN; SET LOCAL synchronous_commit = off; NOTIFY "${this.channel}"; COMMIT`);
  }

  /** Starts the LISTEN connection (once); reconnects on errors while not closed. */
  listen(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.listening ??= this.connectListener();
    return this.listening;
  }

  private async connectListener(): Promise<void> {
    const client = new Client(this.listenConfig);
    client.on('notification', (msg) => {
      if (msg.channel === this.channel) this.waker.wake();
    });
    client.on('error', () => this.reconnectSoon(client));
    client.on('end', () => this.reconnectSoon(client));
    try {
      await client.connect();
      await client.query(`LISTEN "${this.channel}"`);
      if (this.closed) {
        await client.end().catch(() => undefined);
        return;
      }
      this.listener = client;
      this.waker.wake(); // anything committed while we were not listening
    } catch {
      this.reconnectSoon(client);
    }
  }

  private reconnectSoon(client: Client): void {
    if (this.listener === client) this.listener = undefined;
    client.end().catch(() => undefined);
    if (this.closed || this.retryTimer) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.listening = this.connectListener();
    }, 1000);
    this.retryTimer.unref();
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    await this.listening?.catch(() => undefined);
    const l = this.listener;
    this.listener = undefined;
    if (l) {
      l.removeAllListeners('end');
      l.on('error', () => undefined);
      await l.end().catch(() => undefined);
    }
    // Let a NOTIFY in flight finish, then hang up.
    this.queued = false;
    if (this.pending) {
      clearTimeout(this.pending);
      this.pending = undefined;
      this.sending = false;
    }
    while (this.sending) await new Promise((r) => setTimeout(r, 5));
    const sender = this.sender;
    this.sender = undefined;
    await sender?.then((c) => c.end()).catch(() => undefined);
  }
}
