// Zod validators and TypeScript types for the Avro records in schemas/ (see the Avro name on each).
// Kept in agreement with the .avsc files by records.unit.spec.ts.
import { z } from 'zod';
import { avroDouble, avroInt, avroLong, timestampMillis } from './primitives';

/** One measurement. (Avro: nagare.telemetry.MetricSample) */
export const MetricSample = z.strictObject({
  /** Metric name in Prometheus style, e.g. cpu_usage_percent (see docs/agent.md for the catalogue). */
  name: z.string(),
  /** Dimensions, e.g. {cpu: "total", mode: "user"}. */
  labels: z.record(z.string(), z.string()),
  /** The measured value, in the unit the name ends with. */
  value: avroDouble,
});
export type MetricSample = z.infer<typeof MetricSample>;

/** All samples of one collection on one host. Key: host id. (Avro: nagare.telemetry.MetricBatch) */
export const MetricBatch = z.strictObject({
  /** Host the samples describe. Stamped by the ingest edge from the agent credential, never trusted from the payload. */
  hostId: z.string(),
  /** Agent that collected the samples. */
  agentId: z.string(),
  /** Monotonic per-agent sequence number; with agentId it makes redelivery idempotent. */
  agentSequence: avroLong,
  /** When the collection ran on the host. */
  collectedAt: timestampMillis,
  /** Collection interval the agent runs at; rates are per second over this interval. */
  intervalMs: avroInt,
  /** The measurements. */
  samples: z.array(MetricSample),
});
export type MetricBatch = z.infer<typeof MetricBatch>;

/** Operating system. (Avro: nagare.telemetry.OsFact) */
export const OsFact = z.strictObject({
  /** Distribution name, e.g. Debian GNU/Linux. */
  name: z.string(),
  /** Distribution version, e.g. 12. */
  version: z.string().nullable().default(null),
  /** os-release ID, e.g. debian. */
  id: z.string().nullable().default(null),
});
export type OsFact = z.infer<typeof OsFact>;

/** Processors. (Avro: nagare.telemetry.CpuFact) */
export const CpuFact = z.strictObject({
  /** Model name. */
  model: z.string(),
  /** Physical cores. */
  cores: avroInt,
  /** Logical CPUs. */
  threads: avroInt,
  /** Nominal frequency in MHz. */
  mhz: avroDouble.nullable().default(null),
});
export type CpuFact = z.infer<typeof CpuFact>;

/** A block device. (Avro: nagare.telemetry.DiskFact) */
export const DiskFact = z.strictObject({
  /** Kernel name, e.g. sda, nvme0n1. */
  device: z.string(),
  /** Model string from sysfs, when known. */
  model: z.string().nullable().default(null),
  /** Capacity in bytes. */
  sizeBytes: avroLong,
  /** True for spinning disks, when the kernel knows. */
  rotational: z.boolean().nullable().default(null),
});
export type DiskFact = z.infer<typeof DiskFact>;

/** A mounted filesystem. (Avro: nagare.telemetry.FilesystemFact) */
export const FilesystemFact = z.strictObject({
  /** Mount point. */
  mount: z.string(),
  /** Source device. */
  device: z.string(),
  /** Filesystem type, e.g. ext4. */
  fsType: z.string(),
  /** Total size in bytes. */
  sizeBytes: avroLong,
});
export type FilesystemFact = z.infer<typeof FilesystemFact>;

/** Link duplex. (Avro: nagare.telemetry.Duplex) */
export const Duplex = z.enum(['FULL', 'HALF', 'UNKNOWN']);
export type Duplex = z.infer<typeof Duplex>;

/** A network interface and its link capacity. (Avro: nagare.telemetry.NicFact) */
export const NicFact = z.strictObject({
  /** Interface name, e.g. eth0. */
  name: z.string(),
  /** Hardware address. */
  mac: z.string().nullable().default(null),
  /** Negotiated link speed in Mbit/s from sysfs; null when down or virtual. */
  speedMbps: avroInt.nullable().default(null),
  /** Duplex mode from sysfs. */
  duplex: Duplex.default('UNKNOWN'),
  /** MTU in bytes. */
  mtu: avroInt.nullable().default(null),
  /** IPv4/IPv6 addresses in CIDR notation. */
  addresses: z.array(z.string()).default([]),
});
export type NicFact = z.infer<typeof NicFact>;

/** A GPU reported by nvidia-smi. (Avro: nagare.telemetry.GpuFact) */
export const GpuFact = z.strictObject({
  /** GPU index. */
  index: avroInt,
  /** Product name. */
  name: z.string(),
  /** GPU UUID. */
  uuid: z.string().nullable().default(null),
  /** Total memory in bytes. */
  memoryBytes: avroLong.nullable().default(null),
  /** Driver version. */
  driver: z.string().nullable().default(null),
});
export type GpuFact = z.infer<typeof GpuFact>;

/** What a host is: sent on agent start and whenever it changes. Key: host id. (Avro: nagare.telemetry.HostFacts) */
export const HostFacts = z.strictObject({
  /** Host the facts describe; stamped by the ingest edge from the agent credential. */
  hostId: z.string(),
  /** Agent that reported the facts. */
  agentId: z.string(),
  /** Monotonic per-agent sequence number. */
  agentSequence: avroLong,
  /** When the facts were read. */
  collectedAt: timestampMillis,
  /** Host name. */
  hostname: z.string(),
  /** Operating system. */
  os: OsFact,
  /** Kernel release, e.g. 6.1.0-18-amd64. */
  kernel: z.string(),
  /** CPU architecture, e.g. x86_64. */
  arch: z.string(),
  /** Processors. */
  cpu: CpuFact,
  /** Physical memory in bytes. */
  memoryBytes: avroLong,
  /** Swap space in bytes. */
  swapBytes: avroLong.default(0),
  /** When the host booted. */
  bootTime: timestampMillis.nullable().default(null),
  /** Block devices. */
  disks: z.array(DiskFact).default([]),
  /** Mounted filesystems. */
  filesystems: z.array(FilesystemFact).default([]),
  /** Network interfaces with link capacity. */
  nics: z.array(NicFact).default([]),
  /** GPUs. */
  gpus: z.array(GpuFact).default([]),
  /** Version of the reporting agent. */
  agentVersion: z.string(),
});
export type HostFacts = z.infer<typeof HostFacts>;
