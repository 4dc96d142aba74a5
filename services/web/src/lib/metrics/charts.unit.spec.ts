import type { Series } from '../api/types';
import { HOST_CHARTS, sumColumns } from './charts';

const s = (name: string, labels: Record<string, string>, t: number[], v: number[]): Series => ({
  name,
  labels,
  t,
  v,
});
const chart = (id: string) => HOST_CHARTS.find((c) => c.id === id)!;

describe('host charts', () => {
  it('sums columns with gaps', () => {
    expect(
      sumColumns(
        [
          [1, null, 3],
          [10, null, null],
        ],
        3,
      ),
    ).toEqual([11, null, 3]);
  });
  it('CPU busy is 100 minus the total idle', () => {
    const d = chart('cpu').build([
      [s('cpu_usage_percent', { cpu: 'total', mode: 'idle' }, [1000, 2000], [75, 100])],
    ]);
    expect(d).toEqual({ labels: ['busy'], x: [1, 2], ys: [[25, 0]] });
  });
  it('per-core chart has one line per core and takes per-core live values of the same width', () => {
    const c = chart('cores');
    const d = c.build([
      [
        s('cpu_usage_percent', { cpu: '1', mode: 'idle' }, [1000], [90]),
        s('cpu_usage_percent', { cpu: '0', mode: 'idle' }, [1000], [40]),
      ],
    ]);
    expect(d.labels).toEqual(['cpu0', 'cpu1']);
    expect(d.ys).toEqual([[60], [10]]);
    const values = {
      cpuPercent: 1,
      memoryUsedPercent: 1,
      diskUsedPercent: 1,
      load1: 1,
      netRxBytesPerSec: 1,
      netTxBytesPerSec: 1,
    };
    expect(c.live({ ...values, cpuPerCore: [5, 6] }, 2)).toEqual([5, 6]);
    expect(c.live({ ...values, cpuPerCore: [5] }, 2)).toBeNull();
  });
  it('network sums interfaces into received and sent', () => {
    const d = chart('network').build([
      [
        s('net_rx_bytes_per_second', { interface: 'eth0' }, [1000, 2000], [1, 2]),
        s('net_rx_bytes_per_second', { interface: 'eth1' }, [1000, 2000], [10, 20]),
      ],
      [s('net_tx_bytes_per_second', { interface: 'eth0' }, [2000], [5])],
    ]);
    expect(d).toEqual({
      labels: ['received', 'sent'],
      x: [1, 2],
      ys: [
        [11, 22],
        [null, 5],
      ],
    });
  });
  it('disk takes live values only with a single mount', () => {
    const values = {
      cpuPercent: 1,
      memoryUsedPercent: 1,
      diskUsedPercent: 42,
      load1: 1,
      netRxBytesPerSec: 1,
      netTxBytesPerSec: 1,
    };
    expect(chart('disk').live(values, 1)).toEqual([42]);
    expect(chart('disk').live(values, 2)).toBeNull();
  });
});
