import {
  type AgentFrame,
  contractSamples,
  decodeAvro,
  encodeAvro,
  generateCommandSigningKey,
  signDispatch,
} from '@nagare/contracts';
import { HostCollector } from '../collectors/host';
import { DEFAULT_CONFIG } from '../config';
import { FrameCodec, FrameError } from './frames';

describe('FrameCodec (agent-protocol frames without the contracts index)', () => {
  const codec = FrameCodec.load();

  it('encodes every sample AgentFrame byte-identically to @nagare/contracts', () => {
    // The samples are inputs (defaults optional); they spell every field out, so they are frames.
    for (const frame of contractSamples['nagare.agent.AgentFrame'] as AgentFrame[]) {
      const ours = codec.encodeAgentFrame(frame);
      expect(ours.equals(encodeAvro('nagare.agent.AgentFrame', frame))).toBe(true);
      expect(codec.decodeAgentFrame(ours)).toEqual(decodeAvro('nagare.agent.AgentFrame', ours));
    }
  });

  it('decodes every sample ServerFrame the contracts encode', () => {
    for (const frame of contractSamples['nagare.agent.ServerFrame']) {
      const bytes = encodeAvro('nagare.agent.ServerFrame', frame);
      expect(codec.decodeServerFrame(bytes)).toEqual(decodeAvro('nagare.agent.ServerFrame', bytes));
    }
  });

  it('carries a live collection as a MetricBatch and the facts as HostFacts', async () => {
    const collector = new HostCollector({
      ...DEFAULT_CONFIG,
      collectors: { ...DEFAULT_CONFIG.collectors, gpu: false, smart: false },
    });
    await collector.collect();
    const { samples, time } = await collector.collect();
    const envelope = { hostId: 'h-1', agentId: 'a-1', agentSequence: 42, collectedAt: time };
    const batch = { body: { 'nagare.telemetry.MetricBatch': { ...envelope, intervalMs: 5000, samples } } };
    const bytes = codec.encodeAgentFrame(batch);
    expect(bytes.equals(encodeAvro('nagare.agent.AgentFrame', batch))).toBe(true);
    const facts = {
      body: {
        'nagare.telemetry.HostFacts': { ...envelope, ...(await collector.facts()), agentVersion: '0.1.0' },
      },
    };
    expect(codec.encodeAgentFrame(facts).equals(encodeAvro('nagare.agent.AgentFrame', facts))).toBe(true);
  });

  it('a dispatch through the wire still verifies (signature bytes intact)', () => {
    const key = generateCommandSigningKey();
    const { signature: _s, keyId: _k, ...unsigned } = contractSamples['nagare.command.CommandDispatch'][0]!;
    const signed = signDispatch(unsigned, key);
    const frame = codec.decodeServerFrame(
      encodeAvro('nagare.agent.ServerFrame', { body: { 'nagare.command.CommandDispatch': signed } }),
    );
    const d = (frame.body as { 'nagare.command.CommandDispatch': typeof signed })[
      'nagare.command.CommandDispatch'
    ];
    expect(Buffer.from(d.signature).equals(signed.signature)).toBe(true);
  });

  it('refuses malformed frames with a clear error', () => {
    const good = encodeAvro('nagare.agent.ServerFrame', contractSamples['nagare.agent.ServerFrame'][1]!);
    expect(() => codec.decodeServerFrame(good.subarray(0, good.length - 1))).toThrow(FrameError);
    expect(() => codec.decodeServerFrame(Buffer.concat([good, Buffer.from([0])]))).toThrow(/trailing/);
    expect(() => codec.decodeServerFrame(Buffer.from([0x7f]))).toThrow(FrameError);
    expect(() => codec.encodeAgentFrame({ body: { 'nagare.agent.Pong': { at: 'soon' } } } as never)).toThrow(
      /invalid agent frame/,
    );
  });
});
