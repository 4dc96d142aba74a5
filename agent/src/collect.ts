import { type Collection, HostCollector } from './collectors/host';
import type { AgentConfig } from './config';
import type { HostFacts } from './model';

export interface Snapshot extends Collection {
  facts: HostFacts;
}

/**
 * One full collection for `collect --once`: a first pass primes the counters, a second one
 * `primeMs` later reports rates, so the output has every metric a running agent sends.
 */
export async function collectOnce(config: AgentConfig, primeMs = 1000): Promise<Snapshot> {
  const collector = new HostCollector(config);
  await collector.collect();
  await new Promise((r) => setTimeout(r, primeMs));
  const [collection, facts] = await Promise.all([collector.collect(), collector.facts()]);
  return { ...collection, facts };
}
