import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { AgentFrame, ServerFrame } from '@nagare/contracts';
import avro from 'avsc';

/**
 * Avro codec of the agent connection's frames (schemas/agent-protocol), built with avsc from
 * the few schema folders the frames use. The contracts package's own loader would work too,
 * but requiring its index brings every validator and schema (~20 MB RSS), which the agent's
 * 60 MB budget cannot pay; this costs ~6 MB. Encoding options match the contracts' (null|T
 * unions unwrapped, other unions wrapped by full name; timestamps as ms numbers), and a test
 * holds the bytes equal to @nagare/contracts' encodeAvro.
 */
export const AGENT_SCHEMA_FOLDERS = [
  'common',
  'telemetry.metrics',
  'telemetry.inventory',
  'agent.command-dispatch',
  'agent.command-output',
  'agent-protocol',
] as const;

/** NAGARE_SCHEMAS_DIR, else the nearest `schemas/` folder above this file (the repository's). */
export function findSchemasDir(start = __dirname): string {
  const fromEnv = process.env.NAGARE_SCHEMAS_DIR;
  if (fromEnv) return path.resolve(fromEnv);
  for (let dir = start; ; ) {
    const candidate = path.join(dir, 'schemas');
    if (existsSync(path.join(candidate, 'agent-protocol', 'AgentFrame.avsc'))) return candidate;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`no schemas/ directory found above ${start}; set NAGARE_SCHEMAS_DIR`);
    dir = parent;
  }
}

export class FrameError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FrameError';
  }
}

export class FrameCodec {
  private constructor(
    private readonly agentFrame: avro.Type,
    private readonly serverFrame: avro.Type,
  ) {}

  static load(dir = findSchemasDir()): FrameCodec {
    let pending: avro.Schema[] = [];
    for (const folder of AGENT_SCHEMA_FOLDERS) {
      const d = path.join(dir, folder);
      for (const f of readdirSync(d).sort()) {
        if (f.endsWith('.avsc'))
          pending.push(JSON.parse(readFileSync(path.join(d, f), 'utf8')) as avro.Schema);
      }
    }
    // Files reference each other's named types: parse in passes until all are defined.
    const registry: Record<string, avro.Type> = {};
    while (pending.length > 0) {
      const next: avro.Schema[] = [];
      let lastError: unknown;
      for (const schema of pending) {
        const scratch = { ...registry };
        try {
          avro.Type.forSchema(schema, { wrapUnions: 'auto', registry: scratch });
          Object.assign(registry, scratch);
        } catch (err) {
          lastError = err;
          next.push(schema);
        }
      }
      if (next.length === pending.length)
        throw new Error(`cannot parse agent schemas in ${dir}: ${String(lastError)}`);
      pending = next;
    }
    const get = (name: string) => {
      const t = registry[name];
      if (!t) throw new Error(`schema ${name} not found in ${dir}`);
      return t;
    };
    return new FrameCodec(get('nagare.agent.AgentFrame'), get('nagare.agent.ServerFrame'));
  }

  encodeAgentFrame(frame: AgentFrame): Buffer {
    const errors: string[] = [];
    if (!this.agentFrame.isValid(frame, { errorHook: (p) => errors.push(p.join('.') || '(root)') })) {
      throw new FrameError(`invalid agent frame at ${errors.join(', ')}`);
    }
    return this.agentFrame.toBuffer(frame);
  }

  /** Decodes what the server sent; anything that is not exactly one ServerFrame is an error. */
  decodeServerFrame(buf: Buffer): ServerFrame {
    let r: { value: unknown; offset: number };
    try {
      r = this.serverFrame.decode(buf, 0);
    } catch (err) {
      throw new FrameError(`undecodable server frame: ${(err as Error).message}`);
    }
    if (r.offset < 0) throw new FrameError('truncated server frame');
    if (r.offset !== buf.length)
      throw new FrameError(`server frame has ${buf.length - r.offset} trailing bytes`);
    return r.value as ServerFrame;
  }

  /** For tests and tools playing the server. */
  encodeServerFrame(frame: ServerFrame): Buffer {
    return this.serverFrame.toBuffer(frame);
  }

  decodeAgentFrame(buf: Buffer): AgentFrame {
    return this.agentFrame.fromBuffer(buf) as AgentFrame;
  }
}
