import { type Sample, sample } from '../model';

export const NVIDIA_SMI_ARGS = [
  '--query-gpu=index,name,uuid,utilization.gpu,memory.used,memory.total,temperature.gpu,power.draw',
  '--format=csv,noheader,nounits',
];

export interface GpuReading {
  index: number;
  name: string;
  uuid: string;
  utilizationPercent: number | null;
  memoryUsedBytes: number | null;
  memoryTotalBytes: number | null;
  temperatureCelsius: number | null;
  powerWatts: number | null;
}

const MIB = 1024 * 1024;

/** nvidia-smi prints "[N/A]" or "[Not Supported]" for fields a board lacks. */
function num(s: string | undefined): number | null {
  if (s === undefined) return null;
  const v = Number(s.trim());
  return s.trim() !== '' && Number.isFinite(v) ? v : null;
}

export function parseNvidiaSmi(csv: string): GpuReading[] {
  const out: GpuReading[] = [];
  for (const line of csv.split('\n')) {
    if (!line.trim()) continue;
    const f = line.split(',').map((s) => s.trim());
    if (f.length < 8) continue;
    const index = Number(f[0]);
    if (!Number.isInteger(index)) continue;
    const memUsed = num(f[4]);
    const memTotal = num(f[5]);
    out.push({
      index,
      name: f[1]!,
      uuid: f[2]!,
      utilizationPercent: num(f[3]),
      memoryUsedBytes: memUsed === null ? null : memUsed * MIB,
      memoryTotalBytes: memTotal === null ? null : memTotal * MIB,
      temperatureCelsius: num(f[6]),
      powerWatts: num(f[7]),
    });
  }
  return out;
}

export function gpuSamples(readings: GpuReading[]): Sample[] {
  const out: Sample[] = [];
  for (const g of readings) {
    const labels = { gpu: String(g.index) };
    const add = (name: string, v: number | null) => {
      if (v !== null) out.push(sample(name, v, labels));
    };
    add('gpu_utilization_percent', g.utilizationPercent);
    add('gpu_memory_used_bytes', g.memoryUsedBytes);
    add('gpu_memory_total_bytes', g.memoryTotalBytes);
    add('gpu_temperature_celsius', g.temperatureCelsius);
    add('gpu_power_watts', g.powerWatts);
  }
  return out;
}
