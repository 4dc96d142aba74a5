import { recordValidators } from '../records';
import { dlqOf, topicCatalog } from './catalog';

describe('topic catalog', () => {
  it('names every topic of the design once, with a known record for each value', () => {
    const names = topicCatalog.map((t) => t.name);
    expect(new Set(names).size).toBe(names.length);
    for (const t of [
      'telemetry.metrics',
      'telemetry.inventory',
      'ingest.webhooks',
      'agent.command-dispatch',
      'agent.command-output',
      'events.hosts',
      'events.alerts',
      'events.commands',
      'events.rules',
      'events.assets',
      'projections.updates',
    ]) {
      expect(names).toContain(t);
      expect(names).toContain(dlqOf(t));
    }
    for (const t of topicCatalog) {
      expect(t.values.length).toBeGreaterThan(0);
      for (const v of t.values) expect(recordValidators).toHaveProperty([v]);
      expect(t.partitions).toBeGreaterThan(0);
    }
  });

  it('puts every record schema in the folder named after its topic', () => {
    for (const t of topicCatalog.filter((x) => !x.name.endsWith('.dlq'))) {
      for (const v of t.values) {
        const ns = v.slice(0, v.lastIndexOf('.'));
        expect([t.name, ns]).toBeTruthy();
      }
    }
  });
});
