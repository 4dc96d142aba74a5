// Zod validators and TypeScript types for the Avro records in schemas/ (see the Avro name on each).
// Kept in agreement with the .avsc files by records.unit.spec.ts.
import { z } from 'zod';
import { OutputStream } from '../agent-commands';
import { EventMetadata } from '../common';
import { avroBytes, avroInt, avroLong, timestampMillis } from '../primitives';

/** An approver allowed it. (Avro: nagare.events.commands.CommandApproved) */
export const CommandApproved = z.strictObject({
  /** Event identity, position and provenance. */
  meta: EventMetadata,
  /** Command id. */
  commandId: z.string(),
  /** Comment. */
  comment: z.string().nullable().default(null),
});
export type CommandApproved = z.infer<typeof CommandApproved>;

/** Stopped on request. (Avro: nagare.events.commands.CommandCancelled) */
export const CommandCancelled = z.strictObject({
  /** Event identity, position and provenance. */
  meta: EventMetadata,
  /** Command id. */
  commandId: z.string(),
  /** Why. */
  reason: z.string().nullable().default(null),
});
export type CommandCancelled = z.infer<typeof CommandCancelled>;

/** The process exited 0. (Avro: nagare.events.commands.CommandCompleted) */
export const CommandCompleted = z.strictObject({
  /** Event identity, position and provenance. */
  meta: EventMetadata,
  /** Command id. */
  commandId: z.string(),
  /** Exit code (0). */
  exitCode: avroInt,
  /** Wall time. */
  durationMs: avroLong,
  /** Output was cut at the cap. */
  truncated: z.boolean().default(false),
});
export type CommandCompleted = z.infer<typeof CommandCompleted>;

/** Signed and sent to the host's agent. (Avro: nagare.events.commands.CommandDispatched) */
export const CommandDispatched = z.strictObject({
  /** Event identity, position and provenance. */
  meta: EventMetadata,
  /** Command id. */
  commandId: z.string(),
  /** Target host. */
  hostId: z.string(),
  /** Dispatch expiry. */
  expiresAt: timestampMillis,
  /** Signing key id. */
  keyId: z.string(),
  /** Dispatch nonce. */
  nonce: z.string(),
  /** The Ed25519 signature sent. */
  signature: avroBytes,
  /** When the dispatch was signed. It is part of the signed payload: with the request and this event an auditor can verify the signature. */
  issuedAt: timestampMillis.nullable().default(null),
});
export type CommandDispatched = z.infer<typeof CommandDispatched>;

/** Non-zero exit, signal, spawn error or refusal by the agent. (Avro: nagare.events.commands.CommandFailed) */
export const CommandFailed = z.strictObject({
  /** Event identity, position and provenance. */
  meta: EventMetadata,
  /** Command id. */
  commandId: z.string(),
  /** Exit code. */
  exitCode: avroInt.nullable().default(null),
  /** Signal. */
  signal: z.string().nullable().default(null),
  /** Wall time. */
  durationMs: avroLong.default(0),
  /** What went wrong. */
  reason: z.string(),
});
export type CommandFailed = z.infer<typeof CommandFailed>;

/** Output, as it streamed. (Avro: nagare.events.commands.CommandOutputRecorded) */
export const CommandOutputRecorded = z.strictObject({
  /** Event identity, position and provenance. */
  meta: EventMetadata,
  /** Command id. */
  commandId: z.string(),
  /** Which stream. */
  stream: OutputStream,
  /** Chunk sequence. */
  seq: avroLong,
  /** Bytes. */
  data: avroBytes,
});
export type CommandOutputRecorded = z.infer<typeof CommandOutputRecorded>;

/** An approver refused it. (Avro: nagare.events.commands.CommandRejected) */
export const CommandRejected = z.strictObject({
  /** Event identity, position and provenance. */
  meta: EventMetadata,
  /** Command id. */
  commandId: z.string(),
  /** Why. */
  reason: z.string(),
});
export type CommandRejected = z.infer<typeof CommandRejected>;

/** Someone asked to run a command on one host. (Avro: nagare.events.commands.CommandRequested) */
export const CommandRequested = z.strictObject({
  /** Event identity, position and provenance. */
  meta: EventMetadata,
  /** Command id (one per host). */
  commandId: z.string(),
  /** Request id; one request may fan out to many hosts. */
  requestId: z.string(),
  /** Target host. */
  hostId: z.string(),
  /** Program and arguments. */
  argv: z.array(z.string()),
  /** Run through /bin/sh -c. */
  shell: z.boolean().default(false),
  /** Working directory. */
  cwd: z.string().nullable().default(null),
  /** Extra environment. */
  env: z.record(z.string(), z.string()).default({}),
  /** Timeout. */
  timeoutMs: avroInt,
  /** Output cap. */
  outputCapBytes: avroInt,
  /** Why it must run (shown to approvers and auditors). */
  reason: z.string(),
  /** Policy says a second person with the approver role must approve. */
  requiresApproval: z.boolean(),
  /** Name of the policy rule that matched. */
  policy: z.string(),
});
export type CommandRequested = z.infer<typeof CommandRequested>;

/** The agent started the process. (Avro: nagare.events.commands.CommandStarted) */
export const CommandStartedEvent = z.strictObject({
  /** Event identity, position and provenance. */
  meta: EventMetadata,
  /** Command id. */
  commandId: z.string(),
  /** Process id. */
  pid: avroInt.nullable().default(null),
  /** Start time on the host. */
  startedAt: timestampMillis,
});
export type CommandStartedEvent = z.infer<typeof CommandStartedEvent>;

/** No outcome in time, or killed at its timeout. (Avro: nagare.events.commands.CommandTimedOut) */
export const CommandTimedOut = z.strictObject({
  /** Event identity, position and provenance. */
  meta: EventMetadata,
  /** Command id. */
  commandId: z.string(),
  /** The timeout that elapsed. */
  timeoutMs: avroLong,
});
export type CommandTimedOut = z.infer<typeof CommandTimedOut>;
