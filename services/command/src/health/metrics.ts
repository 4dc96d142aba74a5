import { Counter, Gauge, Registry } from 'prom-client';

/**
 * The command service's own metrics, on the service kit's prom-client registry (or a private
 * one when the command side runs without the kit, as in tests).
 */
export class Metrics {
  readonly ingressRecords: Counter<'topic' | 'outcome'>;

  constructor(readonly registry: Registry = new Registry()) {
    this.ingressRecords = new Counter({
      name: 'nagare_command_ingress_records_total',
      help: 'Ingress records handled, by topic and outcome (handled, dead-lettered)',
      labelNames: ['topic', 'outcome'],
      registers: [registry],
    });
  }

  gauge(name: string, help: string, read: () => number): void {
    new Gauge({
      name,
      help,
      registers: [this.registry],
      collect() {
        this.set(read());
      },
    });
  }
}
