import { decodeWire, MemorySchemaRegistry, RecordCodec, type RecordName } from '@nagare/contracts';
import { createIngest, type IngestDeps, type IngestInstance } from '../app';
import type { IngestConfigInput } from '../config';
import { AgentConnection, type EnrollResult, enrollAgent } from '../loadgen/agent-client';
import { MemoryAgentIdentity } from '../ports/agent-identity';
import { MemoryRecordSink } from '../ports/record-sink';

/** One ingest instance on port 0 with in-process log, registry and identity, for tests. */
export interface TestIngest {
  ingest: IngestInstance;
  sink: MemoryRecordSink;
  /** The in-process identity (tests that pass their own identity issue tokens there). */
  identity: MemoryAgentIdentity;
  registry: MemorySchemaRegistry;
  codec: RecordCodec;
  /** Enrolls a new agent through the HTTP endpoint. */
  enroll(hostname?: string): Promise<EnrollResult>;
  connect(credential: string): AgentConnection;
  /** Decoded values on a topic, in produce order. */
  values<T = Record<string, unknown>>(
    topic: string,
  ): Promise<{ name: RecordName; key: string | null; value: T }[]>;
  close(): Promise<void>;
}

export async function startTestIngest(
  config: IngestConfigInput = {},
  deps: Partial<IngestDeps> & {
    sink?: MemoryRecordSink;
    registry?: MemorySchemaRegistry;
  } = {},
): Promise<TestIngest> {
  const sink = deps.sink ?? new MemoryRecordSink();
  const identity = deps.identity instanceof MemoryAgentIdentity ? deps.identity : new MemoryAgentIdentity();
  const registry = deps.registry ?? new MemorySchemaRegistry();
  const codec = new RecordCodec(registry);
  const ingest = await createIngest(
    { host: '127.0.0.1', port: 0, signingPublicKey: 'test-public-key', ...config },
    { log: () => undefined, logLevel: 'silent', identity, ...deps, sink, registry },
  );
  const connections: AgentConnection[] = [];
  return {
    ingest,
    sink,
    identity,
    registry,
    codec,
    enroll: (hostname = 'db-eu-1') => enrollAgent(ingest.url, identity.issueToken(), hostname),
    connect(credential) {
      const c = AgentConnection.open(ingest.url, credential);
      connections.push(c);
      return c;
    },
    async values<T>(topic: string) {
      const out = [];
      for (const r of sink.topic(topic)) {
        decodeWire(r.value);
        const d = await codec.decode(r.value);
        out.push({ name: d.name, key: r.key?.toString('utf8') ?? null, value: d.value as T });
      }
      return out;
    },
    async close() {
      for (const c of connections) c.ws.terminate();
      await ingest.close();
    },
  };
}
