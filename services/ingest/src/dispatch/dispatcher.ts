import { ContractError, encodeAvro, type RecordCodec, type RecordOf } from '@nagare/contracts';
import { deadLetterRecord } from '../edge/dead-letters';
import { plain } from '../edge/frames';
import type { IngestMetrics } from '../metrics';
import type { DeliveryFabric, HeldCommand } from '../ports/delivery-fabric';
import type { DispatchRecord, DispatchSource } from '../ports/dispatch-source';
import type { RecordSink } from '../ports/record-sink';
import type { ConnectedAgent, ConnectionListener } from '../ws/agent-socket';

export const DISPATCH_TOPIC = 'agent.command-dispatch';

export interface DispatcherOptions {
  instanceId: string;
  fabric: DeliveryFabric;
  source: DispatchSource;
  codec: RecordCodec;
  sink: RecordSink;
  metrics: IngestMetrics;
  now: () => number;
  /** The agents connected to this instance, by host id. */
  agent: (hostId: string) => ConnectedAgent | undefined;
  connectedHosts: () => string[];
  /** How long a host → instance claim lives without renewal. */
  claimTtlMs: number;
  /** How often held commands are checked for expiry. */
  sweepMs: number;
  log: (msg: string, fields?: Record<string, unknown>) => void;
}

type Dispatch = RecordOf<'nagare.command.CommandDispatch'>;
type Cancel = RecordOf<'nagare.command.CommandCancel'>;

/**
 * Delivers agent.command-dispatch to the agent that owns each host, across instances.
 * Routing: whichever instance the consumer group hands a record to holds it in the shared
 * fabric, then drains it itself when the agent is connected here, or tells the owning instance
 * (from the host → instance registry) to drain. An agent that connects drains its host's held
 * commands. Commands not delivered before their expiresAt are dead-lettered as
 * EXPIRED_UNDELIVERED (the command service times them out on its own clock anyway).
 */
export class Dispatcher implements ConnectionListener {
  private unsubscribe: (() => Promise<void>) | undefined;
  private timer: NodeJS.Timeout | undefined;
  private readonly draining = new Map<string, Promise<void>>();

  constructor(private readonly o: DispatcherOptions) {}

  async start(): Promise<void> {
    this.unsubscribe = await this.o.fabric.subscribe(this.o.instanceId, (hostId) => {
      void this.drain(hostId);
    });
    await this.o.source.start((r) => this.onRecord(r));
    this.timer = setInterval(() => void this.tick(), this.o.sweepMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.o.source.stop();
    await this.unsubscribe?.();
    await Promise.all(this.o.connectedHosts().map((h) => this.o.fabric.release(h, this.o.instanceId)));
  }

  connected(agent: ConnectedAgent): void {
    const { hostId } = agent.principal;
    void this.o.fabric
      .claim(hostId, this.o.instanceId, this.o.claimTtlMs)
      .then(() => this.drain(hostId))
      .catch((err) => this.o.log('claim failed', { hostId, error: (err as Error).message }));
  }

  disconnected(agent: ConnectedAgent): void {
    const { hostId } = agent.principal;
    if (this.o.agent(hostId)) return;
    void this.o.fabric.release(hostId, this.o.instanceId).catch(() => undefined);
  }

  /**
   * One record from agent.command-dispatch. Bad records are dead-lettered and never thrown, so
   * they cannot block the partition; fabric errors (Redis down) are thrown so the record is
   * retried rather than lost.
   */
  async onRecord(r: DispatchRecord): Promise<void> {
    let decoded: { name: string; value: Dispatch | Cancel };
    let frame: Buffer;
    try {
      const d = await this.o.codec.decodeAs(
        r.value,
        'nagare.command.CommandDispatch',
        'nagare.command.CommandCancel',
      );
      decoded = { name: d.name, value: plain(d.value) as Dispatch | Cancel };
      frame = encodeAvro('nagare.agent.ServerFrame', {
        body:
          decoded.name === 'nagare.command.CommandDispatch'
            ? { 'nagare.command.CommandDispatch': decoded.value as Dispatch }
            : { 'nagare.command.CommandCancel': decoded.value as Cancel },
      });
    } catch (err) {
      if (!(err instanceof ContractError)) throw err;
      await this.deadLetter(r, err.code, err.message, null);
      this.o.metrics.dispatch.inc({ outcome: 'invalid' });
      return;
    }
    const cmd = decoded.value;
    const keyHost = r.key?.toString('utf8');
    if (keyHost !== undefined && keyHost !== cmd.hostId) {
      await this.deadLetter(
        r,
        'HOST_MISMATCH',
        `record key ${keyHost} differs from hostId ${cmd.hostId}`,
        cmd.hostId,
      );
      this.o.metrics.dispatch.inc({ outcome: 'invalid' });
      return;
    }
    const isDispatch = decoded.name === 'nagare.command.CommandDispatch';
    const held: HeldCommand = {
      id: `${isDispatch ? 'dispatch' : 'cancel'}:${cmd.commandId}`,
      hostId: cmd.hostId,
      commandId: cmd.commandId,
      issuedAt: cmd.issuedAt,
      expiresAt: cmd.expiresAt,
      frame,
    };
    if (held.expiresAt <= this.o.now()) {
      await this.expired([held]);
      return;
    }
    await this.o.fabric.hold(held);
    const owner = await this.o.fabric.ownerOf(cmd.hostId);
    if (owner === this.o.instanceId) {
      await this.drain(cmd.hostId);
    } else if (owner) {
      this.o.metrics.dispatch.inc({ outcome: 'forwarded' });
      await this.o.fabric.notify(owner, cmd.hostId);
    } else {
      this.o.metrics.dispatch.inc({ outcome: 'held' });
      this.o.log('command held until its agent connects', { hostId: cmd.hostId, commandId: cmd.commandId });
    }
  }

  /** Sends every command held for a host to its agent here; one drain per host at a time. */
  drain(hostId: string): Promise<void> {
    const running = this.draining.get(hostId);
    const next = (running ?? Promise.resolve()).then(() => this.drainNow(hostId));
    const tracked = next.finally(() => {
      if (this.draining.get(hostId) === tracked) this.draining.delete(hostId);
    });
    this.draining.set(hostId, tracked);
    return tracked;
  }

  private async drainNow(hostId: string): Promise<void> {
    const agent = this.o.agent(hostId);
    if (!agent?.open) return;
    const cmds = await this.o.fabric.take(hostId);
    const now = this.o.now();
    const expired = cmds.filter((c) => c.expiresAt <= now);
    const live = cmds.filter((c) => c.expiresAt > now);
    await this.expired(expired);
    for (const [i, c] of live.entries()) {
      try {
        await agent.send(c.frame);
        this.o.metrics.dispatch.inc({ outcome: 'delivered' });
        this.o.log('command delivered', { hostId, commandId: c.commandId, kind: c.id.split(':')[0] });
      } catch {
        // The socket closed mid-drain: keep the rest for the next connection.
        for (const rest of live.slice(i)) await this.o.fabric.hold(rest);
        return;
      }
    }
  }

  private async tick(): Promise<void> {
    try {
      for (const hostId of this.o.connectedHosts()) {
        await this.o.fabric.claim(hostId, this.o.instanceId, this.o.claimTtlMs);
      }
      await this.expired(await this.o.fabric.expire(this.o.now()));
    } catch (err) {
      this.o.log('dispatch sweep failed', { error: (err as Error).message });
    }
  }

  private async expired(cmds: HeldCommand[]): Promise<void> {
    if (cmds.length === 0) return;
    const records = [];
    for (const c of cmds) {
      this.o.metrics.dispatch.inc({ outcome: 'expired' });
      this.o.log('command expired before its agent connected', { hostId: c.hostId, commandId: c.commandId });
      records.push(
        await deadLetterRecord(
          this.o.codec,
          this.o.metrics,
          {
            originalTopic: DISPATCH_TOPIC,
            key: c.hostId,
            value: c.frame,
            headers: {
              commandId: c.commandId,
              kind: c.id.split(':')[0] ?? '',
              encoding: 'nagare.agent.ServerFrame',
            },
            code: 'EXPIRED_UNDELIVERED',
            reason: `no agent for host ${c.hostId} took ${c.id} before ${new Date(c.expiresAt).toISOString()}`,
            hostId: c.hostId,
          },
          this.o.now(),
        ),
      );
    }
    await this.o.sink.produce(records);
  }

  private async deadLetter(
    r: DispatchRecord,
    code: string,
    reason: string,
    hostId: string | null,
  ): Promise<void> {
    const record = await deadLetterRecord(
      this.o.codec,
      this.o.metrics,
      {
        originalTopic: DISPATCH_TOPIC,
        key: r.key?.toString('utf8') ?? null,
        value: r.value,
        code,
        reason,
        hostId,
        partition: r.partition,
        offset: Number(r.offset),
      },
      this.o.now(),
    );
    await this.o.sink.produce([record]);
  }
}
