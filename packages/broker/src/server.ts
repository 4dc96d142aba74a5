import net from 'node:net';
import type { BrokerCore, Session } from './broker';
import { API_NAMES, ApiKey, isSupported } from './protocol/apiKeys';
import { Decoder } from './protocol/decoder';
import { decodeRequestHeader, isFlexible } from './protocol/requestHeader';

export interface ServerHooks {
  /** Request latency observer (metrics). */
  observe?: (api: string, seconds: number) => void;
  log?: (msg: string) => void;
}

/** Kafka's socket.request.max.bytes default. */
export const DEFAULT_MAX_REQUEST_BYTES = 100 * 1024 * 1024;

/**
 * One client connection: reassembles split or coalesced frames and serves requests one at a
 * time, in order (as Kafka does). A long-polling Fetch only holds its own connection. Any
 * malformed frame, unknown key or version closes this socket and nothing else.
 */
export class Connection {
  private chunks: Buffer[] = [];
  private buffered = 0;
  private readonly queue: Buffer[] = [];
  private busy = false;
  readonly session: Session;

  constructor(
    private readonly socket: net.Socket,
    private readonly core: BrokerCore,
    private readonly maxRequestBytes: number,
    private readonly hooks: ServerHooks,
  ) {
    socket.setNoDelay(true);
    this.session = {
      clientHost: socket.remoteAddress ?? '',
      authenticated: !core.opts.sasl,
      rawSasl: false,
      closed: false,
    };
    socket.on('data', (chunk) => this.onData(chunk));
    socket.on('error', () => this.close());
    socket.on('close', () => this.close());
  }

  private onData(chunk: Buffer): void {
    if (this.session.closed) return;
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    for (;;) {
      if (this.buffered < 4) break;
      if (this.chunks[0]!.length < 4) this.coalesce();
      const size = this.chunks[0]!.readInt32BE(0);
      if (size < 0 || size > this.maxRequestBytes) {
        this.hooks.log?.(`closing ${this.session.clientHost}: frame size ${size}`);
        this.close();
        return;
      }
      if (this.buffered < 4 + size) break;
      if (this.chunks[0]!.length < 4 + size) this.coalesce();
      const first = this.chunks[0]!;
      const frame = first.subarray(4, 4 + size);
      if (first.length === 4 + size) this.chunks.shift();
      else this.chunks[0] = first.subarray(4 + size);
      this.buffered -= 4 + size;
      this.queue.push(frame);
    }
    // Back-pressure: stop reading while many requests wait.
    if (this.queue.length > 64) this.socket.pause();
    void this.drain();
  }

  private coalesce(): void {
    const all = Buffer.concat(this.chunks, this.buffered);
    this.chunks = [all];
  }

  private async drain(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      while (this.queue.length > 0 && !this.session.closed) {
        const frame = this.queue.shift()!;
        if (this.queue.length < 16 && this.socket.isPaused()) this.socket.resume();
        const response = await this.serve(frame);
        if (response === 'close') {
          this.close();
          return;
        }
        // Back-pressure: a client that does not read its answers stops being served.
        if (response && !this.socket.write(response) && !this.session.closed) {
          await new Promise<void>((resolve) => {
            const done = () => {
              this.socket.off('drain', done);
              this.socket.off('close', done);
              resolve();
            };
            this.socket.on('drain', done);
            this.socket.on('close', done);
          });
        }
        if (this.session.closed) {
          // e.g. failed authentication: the answer goes out, then the socket closes
          this.socket.end();
          return;
        }
      }
    } finally {
      this.busy = false;
    }
  }

  private async serve(frame: Buffer): Promise<Buffer | null | undefined | 'close'> {
    if (this.session.rawSasl) {
      // After SaslHandshake v0 the frames are bare SASL tokens, answered the same way.
      const r = this.core.saslStep(this.session, frame);
      if ('error' in r) return 'close';
      const out = Buffer.allocUnsafe(4 + r.reply.length);
      out.writeInt32BE(r.reply.length, 0);
      r.reply.copy(out, 4);
      return out;
    }
    const started = process.hrtime.bigint();
    try {
      const d = new Decoder(frame);
      const h = decodeRequestHeader(d);
      if (!isSupported(h.apiKey, h.apiVersion)) {
        if (h.apiKey === ApiKey.ApiVersions) {
          // KIP-511: answer in the v0 layout with UNSUPPORTED_VERSION and our ranges.
          return this.core.apiVersionsFrame(h.correlationId, 0, 35);
        }
        this.hooks.log?.(`closing ${this.session.clientHost}: unsupported api ${h.apiKey} v${h.apiVersion}`);
        return 'close';
      }
      if (
        !this.session.authenticated &&
        h.apiKey !== ApiKey.ApiVersions &&
        h.apiKey !== ApiKey.SaslHandshake &&
        h.apiKey !== ApiKey.SaslAuthenticate
      ) {
        this.hooks.log?.(`closing ${this.session.clientHost}: ${API_NAMES[h.apiKey]} before authentication`);
        return 'close';
      }
      if (isFlexible(h.apiKey, h.apiVersion)) d.skipTags();
      const handler = this.core.handler(h.apiKey)!;
      const response = await handler(h, d, this.session);
      this.hooks.observe?.(
        API_NAMES[h.apiKey] ?? String(h.apiKey),
        Number(process.hrtime.bigint() - started) / 1e9,
      );
      return response;
    } catch (err) {
      this.hooks.log?.(`closing ${this.session.clientHost}: ${(err as Error).message}`);
      return 'close';
    }
  }

  close(): void {
    if (this.session.closed && this.socket.destroyed) return;
    this.session.closed = true;
    this.session.wake?.();
    this.queue.length = 0;
    this.socket.destroy();
  }
}
