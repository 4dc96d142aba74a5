import {
  type CommandSigningKey,
  loadCommandSigningKey,
  RecordCodec,
  type SchemaRegistry,
} from '@nagare/contracts';
import { HealthRegistry, ServiceMetrics } from '@nagare/service-kit';
import {
  type BeforeApplicationShutdown,
  type DynamicModule,
  type INestApplicationContext,
  Inject,
  Injectable,
  Logger,
  Module,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
  Optional,
} from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { CqrsModule } from '@nestjs/cqrs';
import { AlertService } from './alert/alert.service';
import { CommandLifecycle, SIGNING_KEY } from './command/command-lifecycle.service';
import { CONFIG, type CommandServiceConfig } from './config/config';
import { Aggregates } from './cqrs/aggregates';
import { commandHandlers } from './cqrs/handlers';
import { Metrics } from './health/metrics';
import { HostService } from './host/host.service';
import { type IngressConsumer, IngressRouter } from './ingress/ingress-router';
import { Clock, SystemClock } from './io/clock';
import type { RecordSink } from './io/record-sink';
import { EVENT_STORE, RECORD_SINK } from './io/tokens';
import { CommandPolicy } from './policy/command-policy';
import { RuleEvaluator } from './rule-engine/rule-evaluator.service';
import { SilenceService } from './silence/silence.service';
import { AggregateStore } from './store/aggregate-store';
import type { EventStorePort } from './store/event-store.port';
import { CommandSideViews } from './views/command-side-views';

export interface CommandSideOptions {
  config: CommandServiceConfig;
  store: EventStorePort;
  sink: RecordSink;
  registry: SchemaRegistry;
  clock?: Clock;
  /** Run the offline/timeout/silence timers on an interval (off in tests: they call tick()). */
  timers?: boolean;
  /** Consumer of the ingress topics, started after the rebuild and stopped first on shutdown. */
  consumer?: IngressConsumer;
}

const OPTIONS = Symbol('CommandSideOptions');

/**
 * Start and stop: rebuild the views from the event store, restore the rule engine, give hosts
 * a fresh grace period, dispatch what was approved but not sent, then run the timers.
 */
@Injectable()
export class CommandSideLifecycle
  implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown
{
  private readonly log = new Logger('CommandSide');
  private timer: NodeJS.Timeout | null = null;
  private ticking: Promise<void> | null = null;
  ready = false;

  constructor(
    @Inject(OPTIONS) private readonly options: CommandSideOptions,
    private readonly aggregates: AggregateStore,
    private readonly views: CommandSideViews,
    private readonly rules: RuleEvaluator,
    private readonly hosts: HostService,
    private readonly commands: CommandLifecycle,
    private readonly silences: SilenceService,
    private readonly metrics: Metrics,
    private readonly router: IngressRouter,
    @Optional() private readonly health?: HealthRegistry,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const events = await this.views.catchUp(this.options.store);
    // Views first, so every later listener sees state that includes the new events.
    this.aggregates.onAppended((e) => this.views.apply(e));
    this.aggregates.onAppended((e) =>
      this.rules
        .onAppended(e)
        .catch((err: Error) => this.log.error(`rule engine update failed: ${err.message}`)),
    );
    await this.rules.rebuild();
    this.hosts.rebuild();
    const redispatched = await this.commands.recover();
    this.metrics.gauge(
      'nagare_command_rules',
      'Alert rules loaded in the rule engine',
      () => this.rules.engine.ruleCount,
    );
    this.metrics.gauge(
      'nagare_command_series_firing',
      'Rule series firing',
      () => this.rules.engine.stats().firing,
    );
    this.metrics.gauge(
      'nagare_command_series_pending',
      'Rule series pending (for not elapsed)',
      () => this.rules.engine.stats().pending,
    );
    this.metrics.gauge('nagare_command_active_alerts', 'Active alerts', () => this.views.activeAlerts.size);
    this.metrics.gauge(
      'nagare_command_open_commands',
      'Commands not finished',
      () => this.views.openCommands.size,
    );
    this.health?.register('command-side', async () => {
      if (!this.ready) throw new Error('rebuilding from the event store');
    });
    this.log.log(
      `rebuilt from ${events} events: ${this.views.hosts.size} hosts, ${this.views.rules.size} rules, ` +
        `${this.views.activeAlerts.size} active alerts, ${this.views.openCommands.size} open commands; ${redispatched} dispatched`,
    );
    if (this.options.timers !== false) {
      this.timer = setInterval(() => {
        if (!this.ticking) this.ticking = this.tick().finally(() => (this.ticking = null));
      }, this.options.config.timerTickMs);
      this.timer.unref();
    }
    await this.options.consumer?.start(this.router);
    this.ready = true;
  }

  /** Stop taking records before Nest tears the services down. */
  async beforeApplicationShutdown(): Promise<void> {
    this.ready = false;
    await this.options.consumer?.stop();
  }

  async tick(now?: number): Promise<void> {
    try {
      await this.hosts.tick(now);
      await this.commands.tick(now);
      await this.silences.tick(now);
    } catch (err) {
      this.log.error(`timer tick failed: ${(err as Error).message}`);
    }
  }

  async onApplicationShutdown(): Promise<void> {
    this.ready = false;
    if (this.timer) clearInterval(this.timer);
    await this.ticking;
  }
}

@Module({})
export class CommandSideModule {
  static forRoot(options: CommandSideOptions): DynamicModule {
    const exported = [
      Aggregates,
      AggregateStore,
      AlertService,
      CommandLifecycle,
      CommandSideLifecycle,
      CommandSideViews,
      HostService,
      IngressRouter,
      Metrics,
      RuleEvaluator,
      SilenceService,
      CONFIG,
      Clock,
      RECORD_SINK,
      RecordCodec,
    ];
    return {
      module: CommandSideModule,
      imports: [CqrsModule.forRoot()],
      providers: [
        { provide: OPTIONS, useValue: options },
        { provide: CONFIG, useValue: options.config },
        { provide: EVENT_STORE, useValue: options.store },
        { provide: RECORD_SINK, useValue: options.sink },
        { provide: Clock, useValue: options.clock ?? new SystemClock() },
        { provide: RecordCodec, useValue: new RecordCodec(options.registry) },
        { provide: AggregateStore, useValue: new AggregateStore(options.store) },
        { provide: CommandSideViews, useValue: new CommandSideViews() },
        { provide: CommandPolicy, useValue: new CommandPolicy(options.config.policy) },
        {
          provide: SIGNING_KEY,
          useValue: options.config.signingKey
            ? (loadCommandSigningKey(
                options.config.signingKey.pem,
                options.config.signingKey.keyId,
              ) as CommandSigningKey)
            : null,
        },
        Aggregates,
        AlertService,
        CommandLifecycle,
        CommandSideLifecycle,
        HostService,
        IngressRouter,
        {
          provide: Metrics,
          // The kit's registry when running as a service; a private one otherwise (tests).
          useFactory: (kit?: ServiceMetrics) => new Metrics(kit?.registry),
          inject: [{ token: ServiceMetrics, optional: true }],
        },
        RuleEvaluator,
        SilenceService,
        ...commandHandlers,
      ],
      exports: exported,
    };
  }
}

/** The command side without HTTP (benchmarks, embedding): a started Nest application context. */
export async function createCommandSide(options: CommandSideOptions): Promise<INestApplicationContext> {
  return NestFactory.createApplicationContext(CommandSideModule.forRoot(options), { logger: false });
}
