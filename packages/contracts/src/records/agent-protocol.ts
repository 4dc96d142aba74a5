// Zod validators and TypeScript types for the Avro records in schemas/ (see the Avro name on each).
// Kept in agreement with the .avsc files by records.unit.spec.ts.
import { z } from 'zod';
import {
  CommandCancel,
  CommandDispatch,
  CommandFinished,
  CommandOutputChunk,
  CommandStarted,
} from './agent-commands';
import { avroInt, avroLong, timestampMillis } from './primitives';
import { HostFacts, MetricBatch } from './telemetry';

/** First frame from the agent after the socket opens. (Avro: nagare.agent.Hello) */
export const Hello = z.strictObject({
  /** Agent version. */
  agentVersion: z.string(),
  /** Highest agent sequence the agent has produced so far (spooled or sent). */
  lastSequence: avroLong,
  /** Batches the spool dropped past its size limit since enrollment. */
  spoolDropped: avroLong.default(0),
});
export type Hello = z.infer<typeof Hello>;

/** Answer to a Ping. (Avro: nagare.agent.Pong) */
export const Pong = z.strictObject({
  /** The Ping's timestamp, echoed. */
  at: timestampMillis,
});
export type Pong = z.infer<typeof Pong>;

/** Every message the agent sends over the WebSocket: one Avro-encoded AgentFrame per binary message. (Avro: nagare.agent.AgentFrame) */
export const AgentFrame = z.strictObject({
  /** The frame. */
  body: z.union([
    z.strictObject({ 'nagare.agent.Hello': Hello }),
    z.strictObject({ 'nagare.telemetry.MetricBatch': MetricBatch }),
    z.strictObject({ 'nagare.telemetry.HostFacts': HostFacts }),
    z.strictObject({ 'nagare.command.CommandStarted': CommandStarted }),
    z.strictObject({ 'nagare.command.CommandOutputChunk': CommandOutputChunk }),
    z.strictObject({ 'nagare.command.CommandFinished': CommandFinished }),
    z.strictObject({ 'nagare.agent.Pong': Pong }),
  ]),
});
export type AgentFrame = z.infer<typeof AgentFrame>;

/** First frame from the server: who the agent is and where to resume. (Avro: nagare.agent.Welcome) */
export const Welcome = z.strictObject({
  /** The authenticated agent. */
  agentId: z.string(),
  /** The host this connection speaks for; every record is stamped with it. */
  hostId: z.string(),
  /** Highest agent sequence the platform has durably accepted (-1 for none); the agent resends everything after it. */
  lastAckedSequence: avroLong,
  /** Server clock, for skew detection. */
  serverTime: timestampMillis,
  /** Ping interval. */
  heartbeatMs: avroInt,
  /** Platform command-signing public key (PEM, Ed25519). */
  signingPublicKey: z.string(),
});
export type Welcome = z.infer<typeof Welcome>;

/** Avro enum nagare.agent.AckStatus. (Avro: nagare.agent.AckStatus) */
export const AckStatus = z.enum(['ACCEPTED', 'DUPLICATE', 'REJECTED']);
export type AckStatus = z.infer<typeof AckStatus>;

/** Acknowledges one agent frame after the broker acknowledged its record. (Avro: nagare.agent.Ack) */
export const Ack = z.strictObject({
  /** Agent sequence acknowledged. */
  sequence: avroLong,
  /** ACCEPTED stored now; DUPLICATE stored before; REJECTED refused (see reason), not retried. */
  status: AckStatus,
  /** Why a frame was rejected. */
  reason: z.string().nullable().default(null),
});
export type Ack = z.infer<typeof Ack>;

/** Liveness probe. (Avro: nagare.agent.Ping) */
export const Ping = z.strictObject({
  /** Server time. */
  at: timestampMillis,
});
export type Ping = z.infer<typeof Ping>;

/** Fatal protocol error; the server closes the socket after it. (Avro: nagare.agent.ProtocolError) */
export const ProtocolError = z.strictObject({
  /** Machine-readable code, e.g. UNAUTHENTICATED, BAD_FRAME. */
  code: z.string(),
  /** Human-readable explanation. */
  message: z.string(),
});
export type ProtocolError = z.infer<typeof ProtocolError>;

/** Every message the server sends to an agent. (Avro: nagare.agent.ServerFrame) */
export const ServerFrame = z.strictObject({
  /** The frame. */
  body: z.union([
    z.strictObject({ 'nagare.agent.Welcome': Welcome }),
    z.strictObject({ 'nagare.agent.Ack': Ack }),
    z.strictObject({ 'nagare.command.CommandDispatch': CommandDispatch }),
    z.strictObject({ 'nagare.command.CommandCancel': CommandCancel }),
    z.strictObject({ 'nagare.agent.Ping': Ping }),
    z.strictObject({ 'nagare.agent.ProtocolError': ProtocolError }),
  ]),
});
export type ServerFrame = z.infer<typeof ServerFrame>;
