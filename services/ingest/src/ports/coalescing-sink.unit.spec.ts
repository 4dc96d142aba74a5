import { CoalescingRecordSink } from './coalescing-sink';
import { MemoryRecordSink, type OutRecord } from './record-sink';

const rec = (n: number): OutRecord => ({ topic: 't', key: null, value: Buffer.from([n]) });

describe('CoalescingRecordSink', () => {
  it('sends calls made while a request is in flight as one request, in order, resolving each caller', async () => {
    const calls: number[] = [];
    let release!: () => void;
    const inner = new MemoryRecordSink();
    const original = inner.produce.bind(inner);
    inner.produce = async (records) => {
      calls.push(records.length);
      if (calls.length === 1) await new Promise<void>((r) => (release = r));
      return original(records);
    };
    const sink = new CoalescingRecordSink(inner);
    const first = sink.produce([rec(1)]);
    const rest = [sink.produce([rec(2), rec(3)]), sink.produce([rec(4)])];
    release();
    await Promise.all([first, ...rest]);
    expect(calls).toEqual([1, 3]);
    expect(inner.records.map((r) => r.value[0])).toEqual([1, 2, 3, 4]);
  });

  it('rejects every caller of a failed request and recovers for the next', async () => {
    const inner = new MemoryRecordSink();
    const sink = new CoalescingRecordSink(inner);
    inner.failWith(new Error('down'));
    await expect(sink.produce([rec(1)])).rejects.toThrow('down');
    inner.failWith(undefined);
    await sink.produce([rec(2)]);
    expect(inner.records).toHaveLength(1);
  });
});
