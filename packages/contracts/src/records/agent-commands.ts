// Zod validators and TypeScript types for the Avro records in schemas/ (see the Avro name on each).
// Kept in agreement with the .avsc files by records.unit.spec.ts.
import { z } from 'zod';
import { avroBytes, avroInt, avroLong, timestampMillis } from './primitives';

/** Stop a running command, signed like a dispatch. Key: host id. (Avro: nagare.command.CommandCancel) */
export const CommandCancel = z.strictObject({
  /** Command to stop. */
  commandId: z.string(),
  /** Host that runs it. */
  hostId: z.string(),
  /** When it was signed. */
  issuedAt: timestampMillis,
  /** Agents refuse it after this instant. */
  expiresAt: timestampMillis,
  /** Random value against replay. */
  nonce: z.string(),
  /** Which platform signing key signed it. */
  keyId: z.string(),
  /** Ed25519 signature over the canonical payload. */
  signature: avroBytes,
});
export type CommandCancel = z.infer<typeof CommandCancel>;

/** A command for one host, signed with the platform's Ed25519 key. Key: host id. (Avro: nagare.command.CommandDispatch) */
export const CommandDispatch = z.strictObject({
  /** Command (one host) id. */
  commandId: z.string(),
  /** The only host allowed to run it. */
  hostId: z.string(),
  /** Program and arguments, run without a shell unless shell is true. */
  argv: z.array(z.string()),
  /** Run argv[0] as a script through /bin/sh -c. */
  shell: z.boolean().default(false),
  /** Working directory. */
  cwd: z.string().nullable().default(null),
  /** Extra environment variables (the agent still applies its allow-list). */
  env: z.record(z.string(), z.string()).default({}),
  /** Kill the process after this long. */
  timeoutMs: avroInt,
  /** Stop recording output past this many bytes. */
  outputCapBytes: avroInt,
  /** When it was signed. */
  issuedAt: timestampMillis,
  /** Agents refuse it after this instant. */
  expiresAt: timestampMillis,
  /** Random value; agents refuse a dispatch they have already seen. */
  nonce: z.string(),
  /** Which platform signing key signed it. */
  keyId: z.string(),
  /** Ed25519 signature over the canonical payload (docs/topics.md). */
  signature: avroBytes,
});
export type CommandDispatch = z.infer<typeof CommandDispatch>;

/** COMPLETED exit 0; FAILED non-zero exit, signal or spawn error; TIMED_OUT killed at its timeout; CANCELLED on request; REFUSED never started (bad signature, wrong host, expired, replayed). (Avro: nagare.command.CommandOutcome) */
export const CommandOutcome = z.enum(['COMPLETED', 'FAILED', 'TIMED_OUT', 'CANCELLED', 'REFUSED']);
export type CommandOutcome = z.infer<typeof CommandOutcome>;

/** The final outcome. Key: command id. (Avro: nagare.command.CommandFinished) */
export const CommandFinished = z.strictObject({
  /** Command id. */
  commandId: z.string(),
  /** Host that ran it; stamped by the ingest edge. */
  hostId: z.string(),
  /** Agent that ran it. */
  agentId: z.string(),
  /** Monotonic per-agent sequence number. */
  agentSequence: avroLong,
  /** How it ended. */
  status: CommandOutcome,
  /** Exit code, when the process exited. */
  exitCode: avroInt.nullable().default(null),
  /** Signal that ended it, e.g. SIGKILL. */
  signal: z.string().nullable().default(null),
  /** Wall time from start to end. */
  durationMs: avroLong,
  /** Output exceeded the cap and was cut. */
  truncated: z.boolean().default(false),
  /** Why it failed or was refused. */
  reason: z.string().nullable().default(null),
  /** When it ended. */
  finishedAt: timestampMillis,
});
export type CommandFinished = z.infer<typeof CommandFinished>;

/** Avro enum nagare.command.OutputStream. (Avro: nagare.command.OutputStream) */
export const OutputStream = z.enum(['STDOUT', 'STDERR']);
export type OutputStream = z.infer<typeof OutputStream>;

/** A piece of output, in order. Key: command id. (Avro: nagare.command.CommandOutputChunk) */
export const CommandOutputChunk = z.strictObject({
  /** Command id. */
  commandId: z.string(),
  /** Host that ran it; stamped by the ingest edge. */
  hostId: z.string(),
  /** Agent that ran it. */
  agentId: z.string(),
  /** Monotonic per-agent sequence number. */
  agentSequence: avroLong,
  /** Which output stream. */
  stream: OutputStream,
  /** 0-based chunk sequence within the command, across both streams. */
  seq: avroLong,
  /** Raw bytes as the process wrote them. */
  data: avroBytes,
  /** When the chunk was read. */
  at: timestampMillis,
});
export type CommandOutputChunk = z.infer<typeof CommandOutputChunk>;

/** The agent started the process. Key: command id. (Avro: nagare.command.CommandStarted) */
export const CommandStarted = z.strictObject({
  /** Command id. */
  commandId: z.string(),
  /** Host that ran it; stamped by the ingest edge. */
  hostId: z.string(),
  /** Agent that ran it. */
  agentId: z.string(),
  /** Monotonic per-agent sequence number. */
  agentSequence: avroLong,
  /** Process id on the host. */
  pid: avroInt.nullable().default(null),
  /** When the process started. */
  startedAt: timestampMillis,
});
export type CommandStarted = z.infer<typeof CommandStarted>;
