import { type Sample, sample } from '../model';
import { counterRate } from './counters';

export interface NetDevStat {
  rxBytes: number;
  rxPackets: number;
  rxErrors: number;
  rxDrops: number;
  txBytes: number;
  txPackets: number;
  txErrors: number;
  txDrops: number;
}

/** /proc/net/dev. Old kernels print `eth0:123` without a space once the number is wide. */
export function parseNetDev(text: string): Map<string, NetDevStat> {
  const out = new Map<string, NetDevStat>();
  for (const line of text.split('\n')) {
    const i = line.indexOf(':');
    if (i < 0 || line.includes('|')) continue;
    const name = line.slice(0, i).trim();
    const f = line
      .slice(i + 1)
      .trim()
      .split(/\s+/)
      .map(Number);
    if (!name || f.length < 16 || f.some((v) => !Number.isFinite(v))) continue;
    out.set(name, {
      rxBytes: f[0]!,
      rxPackets: f[1]!,
      rxErrors: f[2]!,
      rxDrops: f[3]!,
      txBytes: f[8]!,
      txPackets: f[9]!,
      txErrors: f[10]!,
      txDrops: f[11]!,
    });
  }
  return out;
}

const RATES: Array<[keyof NetDevStat, string]> = [
  ['rxBytes', 'net_rx_bytes_per_second'],
  ['txBytes', 'net_tx_bytes_per_second'],
  ['rxPackets', 'net_rx_packets_per_second'],
  ['txPackets', 'net_tx_packets_per_second'],
  ['rxErrors', 'net_rx_errors_per_second'],
  ['txErrors', 'net_tx_errors_per_second'],
  ['rxDrops', 'net_rx_drops_per_second'],
  ['txDrops', 'net_tx_drops_per_second'],
];

/** Each counter is judged on its own: a reset of one skips only that rate for the interval. */
export function netSamples(iface: string, prev: NetDevStat, cur: NetDevStat, seconds: number): Sample[] {
  const out: Sample[] = [];
  for (const [key, name] of RATES) {
    const r = counterRate(prev[key], cur[key], seconds);
    if (r !== undefined) out.push(sample(name, r, { interface: iface }));
  }
  return out;
}

/** /sys/class/net/X/speed: Mbit/s; -1 or an EINVAL read (link down, virtual NIC) means unknown. */
export function parseLinkSpeed(text: string | undefined): number | null {
  if (text === undefined) return null;
  const v = Number(text.trim());
  return Number.isFinite(v) && v > 0 && v < 4_294_967_295 ? v : null;
}

export function parseDuplex(text: string | undefined): 'full' | 'half' | null {
  const v = text?.trim();
  return v === 'full' || v === 'half' ? v : null;
}

/** Interfaces not worth a rate series (loopback). */
export function isReportedInterface(name: string): boolean {
  return name !== 'lo';
}
