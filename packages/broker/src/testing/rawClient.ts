import net from 'node:net';
import { Decoder } from '../protocol/decoder';
import { Encoder } from '../protocol/encoder';

/**
 * A minimal Kafka client for tests: writes request frames (or arbitrary bytes) and reads
 * response frames, so tests can speak exact versions and send broken input.
 */
export class RawClient {
  private buf = Buffer.alloc(0);
  private waiters: ((frame: Buffer | null) => void)[] = [];
  private frames: Buffer[] = [];
  closed = false;
  private correlation = 1;

  private constructor(readonly socket: net.Socket) {
    socket.on('data', (chunk) => {
      this.buf = Buffer.concat([this.buf, chunk]);
      while (this.buf.length >= 4 && this.buf.length >= 4 + this.buf.readInt32BE(0)) {
        const size = this.buf.readInt32BE(0);
        const frame = this.buf.subarray(4, 4 + size);
        this.buf = this.buf.subarray(4 + size);
        const w = this.waiters.shift();
        if (w) w(frame);
        else this.frames.push(frame);
      }
    });
    socket.on('close', () => {
      this.closed = true;
      for (const w of this.waiters.splice(0)) w(null);
    });
    socket.on('error', () => {});
  }

  static connect(port: number, host = '127.0.0.1'): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const s = net.connect(port, host, () => resolve(new RawClient(s)));
      s.once('error', reject);
    });
  }

  /** Next response frame (without its size), or null once the broker closed the socket. */
  next(timeoutMs = 5000): Promise<Buffer | null> {
    const f = this.frames.shift();
    if (f) return Promise.resolve(f);
    if (this.closed) return Promise.resolve(null);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no response in time')), timeoutMs);
      this.waiters.push((frame) => {
        clearTimeout(timer);
        resolve(frame);
      });
    });
  }

  writeRaw(bytes: Buffer): void {
    this.socket.write(bytes);
  }

  /** Sends a request (header v1) with the given body; returns its correlation id. */
  send(apiKey: number, apiVersion: number, body: (e: Encoder) => void, clientId = 'raw-test'): number {
    const correlationId = this.correlation++;
    const e = new Encoder().int32(0).int16(apiKey).int16(apiVersion).int32(correlationId).string(clientId);
    body(e);
    this.socket.write(e.frame());
    return correlationId;
  }

  /** Sends a request and decodes the response body (after the correlation id). */
  async request(apiKey: number, apiVersion: number, body: (e: Encoder) => void): Promise<Decoder> {
    const id = this.send(apiKey, apiVersion, body);
    const frame = await this.next();
    if (!frame) throw new Error('connection closed by broker');
    const d = new Decoder(frame);
    const got = d.int32();
    if (got !== id) throw new Error(`correlation ${got}, expected ${id}`);
    return d;
  }

  /** Resolves true when the broker closes the socket within the timeout. */
  waitClosed(timeoutMs = 3000): Promise<boolean> {
    if (this.closed) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      this.socket.once('close', () => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }

  close(): void {
    this.socket.destroy();
  }
}
