import type { RecordCodec } from '@nagare/contracts';
import { ContractError } from '@nagare/contracts';
import type { IngestMetrics } from '../metrics';
import type { AgentPrincipal } from '../ports/agent-identity';
import type { RateLimiter } from '../ports/rate-limiter';
import type { OutRecord, RecordSink } from '../ports/record-sink';
import type { SequenceStore } from '../ports/sequence-store';
import { deadLetterRecord, type Rejection } from './dead-letters';
import type { AcceptedRecord, RejectedRecord, RejectionCode } from './frames';

export type AckOutcome =
  | { sequence: number; status: 'ACCEPTED' | 'DUPLICATE' }
  | { sequence: number; status: 'REJECTED'; code: RejectionCode | 'DUPLICATE_SEQUENCE'; reason: string };

/** The log did not acknowledge: nothing in the batch may be acknowledged to the agent. */
export class LogUnavailable extends Error {
  readonly code = 'UNAVAILABLE';
}

export interface Submission {
  admitted: AcceptedRecord | RejectedRecord;
  /** The bytes as the agent sent them, for a dead letter. */
  original: Buffer;
  /** ws or the HTTP path, recorded on dead letters and metrics. */
  endpoint: string;
}

export interface PipelineDeps {
  sink: RecordSink;
  codec: RecordCodec;
  sequences: SequenceStore;
  limiter: RateLimiter;
  metrics: IngestMetrics;
  now: () => number;
  /** Most records produced in one call to the log. */
  maxBatch: number;
}

interface Pending {
  submission: Submission;
  resolve: (o: AckOutcome) => void;
  reject: (e: Error) => void;
}

/**
 * One agent's ordered path into the log. Submissions are processed strictly in arrival order;
 * whatever queued while a produce was in flight goes out as the next batch, so order per agent
 * holds and the log sees large batches under load. Outcomes resolve only after the log
 * acknowledged, and the agent's watermark (highest sequence durably handled) advances then.
 */
export class AgentPipeline {
  private readonly queue: Pending[] = [];
  private draining = false;
  private watermark = -1;
  private readonly loaded: Promise<void>;
  private lastUsed: number;

  constructor(
    readonly principal: AgentPrincipal,
    private readonly deps: PipelineDeps,
  ) {
    this.lastUsed = deps.now();
    this.loaded = deps.sequences.get(principal.agentId).then((w) => {
      this.watermark = Math.max(this.watermark, w);
    });
  }

  /** Re-reads the persisted watermark (another instance may have served this agent since). */
  async refresh(): Promise<number> {
    await this.loaded;
    const stored = await this.deps.sequences.get(this.principal.agentId);
    this.watermark = Math.max(this.watermark, stored);
    return this.watermark;
  }

  /** Highest sequence durably handled for this agent (-1 for none). */
  async lastAcked(): Promise<number> {
    await this.loaded;
    return this.watermark;
  }

  get pending(): number {
    return this.queue.length;
  }

  idleSince(): number {
    return this.draining || this.queue.length > 0 ? Number.POSITIVE_INFINITY : this.lastUsed;
  }

  submit(submission: Submission): Promise<AckOutcome> {
    this.lastUsed = this.deps.now();
    return new Promise((resolve, reject) => {
      this.queue.push({ submission, resolve, reject });
      void this.drain();
    });
  }

  private async drain(): Promise<void> {
    if (this.draining) return;
    this.draining = true;
    try {
      await this.loaded;
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, this.deps.maxBatch);
        try {
          const outcomes = await this.process(batch);
          for (const [i, p] of batch.entries()) p.resolve(outcomes[i]!);
        } catch (err) {
          // Nothing of this batch is acknowledged, and nothing queued behind it may overtake it.
          const failure = err instanceof LogUnavailable ? err : new LogUnavailable((err as Error).message);
          for (const p of [...batch, ...this.queue.splice(0)]) p.reject(failure);
        }
      }
    } catch (err) {
      // The watermark could not be loaded: refuse everything rather than risk double counting.
      const failure = new LogUnavailable(`cannot read the agent watermark: ${(err as Error).message}`);
      for (const p of this.queue.splice(0)) p.reject(failure);
    } finally {
      this.draining = false;
      this.lastUsed = this.deps.now();
    }
  }

  private async process(batch: Pending[]): Promise<AckOutcome[]> {
    const { codec, metrics, now } = this.deps;
    const at = now();
    const outcomes: AckOutcome[] = new Array(batch.length);
    const rejections: { index: number; rejection: Rejection }[] = [];
    const candidates: number[] = [];
    let high = this.watermark;

    const refuse = (
      index: number,
      code: RejectionCode | 'DUPLICATE_SEQUENCE',
      reason: string,
      topic: string,
    ) => {
      const { submission } = batch[index]!;
      rejections.push({
        index,
        rejection: {
          originalTopic: topic,
          key: submission.admitted.key,
          value: submission.original,
          headers: { endpoint: submission.endpoint, agentId: this.principal.agentId },
          code,
          reason,
          hostId: this.principal.hostId,
        },
      });
    };

    batch.forEach(({ submission }, index) => {
      const a = submission.admitted;
      if (a.kind === 'reject') {
        outcomes[index] = { sequence: a.sequence, status: 'REJECTED', code: a.code, reason: a.reason };
        refuse(index, a.code, a.reason, a.topic);
        return;
      }
      // Negative sequences are unsequenced (facts sent at enrollment): never deduplicated and
      // never moving the watermark, so the agent's own numbering starts untouched.
      if (a.sequence < 0) {
        candidates.push(index);
        return;
      }
      if (a.sequence <= high) {
        outcomes[index] = { sequence: a.sequence, status: 'DUPLICATE' };
        refuse(index, 'DUPLICATE_SEQUENCE', `sequence ${a.sequence} was already accepted`, a.topic);
        return;
      }
      high = a.sequence;
      candidates.push(index);
    });

    const granted =
      candidates.length > 0 ? await this.deps.limiter.take(this.principal.hostId, candidates.length) : 0;
    const records: OutRecord[] = [];
    let samples = 0;
    for (const [n, index] of candidates.entries()) {
      const a = batch[index]!.submission.admitted as AcceptedRecord;
      if (n >= granted) {
        const reason = `host ${this.principal.hostId} is over its rate limit`;
        outcomes[index] = { sequence: a.sequence, status: 'REJECTED', code: 'RATE_LIMITED', reason };
        refuse(index, 'RATE_LIMITED', reason, a.topic);
        continue;
      }
      try {
        const value = await codec.encode(a.topic, a.name, a.value as never);
        records.push({ topic: a.topic, key: Buffer.from(a.key, 'utf8'), value });
        outcomes[index] = { sequence: a.sequence, status: 'ACCEPTED' };
        if (a.name === 'nagare.telemetry.MetricBatch')
          samples += (a.value as { samples: unknown[] }).samples.length;
      } catch (err) {
        if (!(err instanceof ContractError)) throw err;
        outcomes[index] = {
          sequence: a.sequence,
          status: 'REJECTED',
          code: 'SCHEMA_INVALID',
          reason: err.message,
        };
        refuse(index, 'SCHEMA_INVALID', err.message, a.topic);
      }
    }
    for (const { rejection } of rejections)
      records.push(await deadLetterRecord(codec, metrics, rejection, at));

    const end = metrics.produceSeconds.startTimer();
    try {
      await this.deps.sink.produce(records);
    } catch (err) {
      throw new LogUnavailable(`the log did not acknowledge: ${(err as Error).message}`);
    } finally {
      end();
    }
    const handled = Math.max(high, ...outcomes.map((o) => o.sequence));
    if (handled > this.watermark) {
      this.watermark = handled;
      // The records are durable already; a lost watermark write only means a later resend is
      // produced again, which consumers dedupe by (agentId, agentSequence).
      await this.deps.sequences.advance(this.principal.agentId, handled).catch(() => undefined);
    }
    metrics.samples.inc(samples);
    batch.forEach(({ submission }, i) => {
      const o = outcomes[i]!;
      metrics.frames.inc({
        endpoint: submission.endpoint.startsWith('ws') ? 'ws' : 'http',
        status: o.status,
        code: o.status === 'REJECTED' ? o.code : '',
      });
    });
    return outcomes;
  }
}

/** One pipeline per agent on this instance, shared by its socket and its HTTP requests. */
export class AgentPipelines {
  private readonly byAgent = new Map<string, AgentPipeline>();
  constructor(private readonly deps: PipelineDeps) {}

  for(principal: AgentPrincipal): AgentPipeline {
    let p = this.byAgent.get(principal.agentId);
    if (!p || p.principal.hostId !== principal.hostId) {
      p = new AgentPipeline(principal, this.deps);
      this.byAgent.set(principal.agentId, p);
    }
    return p;
  }

  /** Forgets pipelines idle for `idleMs` (the watermark is persisted; it is reloaded on use). */
  evictIdle(idleMs: number): void {
    const cutoff = this.deps.now() - idleMs;
    for (const [id, p] of this.byAgent) if (p.idleSince() < cutoff) this.byAgent.delete(id);
  }
}
