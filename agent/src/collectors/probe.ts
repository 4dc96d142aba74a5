import net from 'node:net';
import { type Sample, sample } from '../model';

export interface ProbeTarget {
  host: string;
  port: number;
  /** Label value; defaults to host:port. */
  name?: string;
}

/** Time to a completed TCP handshake in ms, or undefined if it failed or timed out. */
export function tcpConnectMs(host: string, port: number, timeoutMs: number): Promise<number | undefined> {
  return new Promise((resolve) => {
    const started = process.hrtime.bigint();
    const socket = net.connect({ host, port });
    let done = false;
    const finish = (ms: number | undefined) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(ms);
    };
    const timer = setTimeout(() => finish(undefined), timeoutMs);
    socket.once('connect', () => finish(Number(process.hrtime.bigint() - started) / 1e6));
    socket.once('error', () => finish(undefined));
  });
}

export async function probeSamples(targets: ProbeTarget[], timeoutMs: number): Promise<Sample[]> {
  const results = await Promise.all(targets.map((t) => tcpConnectMs(t.host, t.port, timeoutMs)));
  const out: Sample[] = [];
  targets.forEach((t, i) => {
    const labels = { target: t.name ?? `${t.host}:${t.port}` };
    const ms = results[i];
    out.push(sample('probe_up', ms === undefined ? 0 : 1, labels));
    if (ms !== undefined) out.push(sample('probe_tcp_connect_ms', ms, labels));
  });
  return out;
}
