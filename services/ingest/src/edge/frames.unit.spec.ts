import { validateRecord } from '@nagare/contracts';
import { metricBatch } from '../testing/fixtures';
import { type AgentRecord, admitAgentRecord, plain } from './frames';

const principal = { agentId: 'agent-1', hostId: 'host-1' };
const now = Date.UTC(2026, 10, 22, 3, 0, 0);
const window = { maxAgeMs: 3_600_000, maxFutureMs: 300_000 };
const batch = (over: Partial<AgentRecord> = {}) =>
  ({ ...validateRecord('nagare.telemetry.MetricBatch', metricBatch(7, now)), ...over }) as AgentRecord;

describe('admitting an agent record', () => {
  it('stamps host and agent from the credential and keys metrics by host', () => {
    const a = admitAgentRecord('nagare.telemetry.MetricBatch', batch(), principal, now, window);
    expect(a).toMatchObject({ kind: 'record', topic: 'telemetry.metrics', key: 'host-1', sequence: 7 });
    if (a.kind === 'record') expect(a.value).toMatchObject({ hostId: 'host-1', agentId: 'agent-1' });
    const same = admitAgentRecord(
      'nagare.telemetry.MetricBatch',
      batch({ hostId: 'host-1' }),
      principal,
      now,
      window,
    );
    expect(same.kind).toBe('record');
  });

  it('refuses a record naming another host or agent', () => {
    const host = admitAgentRecord(
      'nagare.telemetry.MetricBatch',
      batch({ hostId: 'host-2' }),
      principal,
      now,
      window,
    );
    const agent = admitAgentRecord(
      'nagare.telemetry.MetricBatch',
      batch({ agentId: 'agent-9' }),
      principal,
      now,
      window,
    );
    expect([host.kind === 'reject' && host.code, agent.kind === 'reject' && agent.code]).toEqual([
      'HOST_MISMATCH',
      'AGENT_MISMATCH',
    ]);
  });

  it('accepts the edges of the time window and refuses beyond them', () => {
    const at = (collectedAt: number) =>
      admitAgentRecord('nagare.telemetry.MetricBatch', batch({ collectedAt }), principal, now, window);
    expect(at(now - window.maxAgeMs).kind).toBe('record');
    expect(at(now + window.maxFutureMs).kind).toBe('record');
    expect(at(now - window.maxAgeMs - 1)).toMatchObject({ kind: 'reject', code: 'STALE_TIMESTAMP' });
    expect(at(now + window.maxFutureMs + 1)).toMatchObject({ kind: 'reject', code: 'FUTURE_TIMESTAMP' });
  });

  it('keys command output by command id and checks its own timestamp field', () => {
    const chunk = {
      commandId: 'cmd-1',
      hostId: '',
      agentId: '',
      agentSequence: 3,
      stream: 'STDOUT',
      seq: 0,
      data: Buffer.from('x'),
      at: now - 2 * window.maxAgeMs,
    } as AgentRecord;
    const a = admitAgentRecord('nagare.command.CommandOutputChunk', chunk, principal, now, window);
    expect(a).toMatchObject({
      kind: 'reject',
      code: 'STALE_TIMESTAMP',
      key: 'cmd-1',
      topic: 'agent.command-output',
    });
  });

  it('copies decoded values into plain objects, keeping Buffers', () => {
    class Rec {
      a = 1;
      b = [{ c: Buffer.from('z') }];
    }
    Object.defineProperty(Rec.prototype, 'helper', { value: () => 0, enumerable: true });
    const p = plain(new Rec()) as Record<string, unknown>;
    expect(Object.getPrototypeOf(p)).toBe(Object.prototype);
    expect(p).toEqual({ a: 1, b: [{ c: Buffer.from('z') }] });
    expect('helper' in p).toBe(false);
  });
});
