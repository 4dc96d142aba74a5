/** One measured value. Names and labels follow Prometheus conventions (see docs/agent.md). */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface DiskFact {
  name: string;
  model: string | null;
  serial: string | null;
  sizeBytes: number;
  rotational: boolean | null;
}

export interface NicFact {
  name: string;
  mac: string | null;
  /** Link capacity in Mbit/s; null when the kernel does not know it (link down, virtual device). */
  speedMbps: number | null;
  duplex: 'full' | 'half' | null;
  addresses: string[];
}

export interface GpuFact {
  index: number;
  name: string;
  uuid: string;
  memoryTotalBytes: number;
}

export interface MountFact {
  mount: string;
  device: string;
  fstype: string;
  sizeBytes: number;
}

/** What a host is, as opposed to how it is doing: sent on enrollment and when it changes. */
export interface HostFacts {
  hostname: string;
  os: string;
  kernel: string;
  arch: string;
  cpus: { model: string; cores: number; threads: number };
  memoryBytes: number;
  disks: DiskFact[];
  mounts: MountFact[];
  nics: NicFact[];
  gpus: GpuFact[];
}

export function sample(name: string, value: number, labels: Record<string, string> = {}): Sample {
  return { name, labels, value };
}
