import { readFileSync } from 'node:fs';
import { topicCatalog } from './catalog';
import {
  catalogTopicDefinitions,
  loadTopicDefinitions,
  renderTopicDefinitions,
  topicDefinitionsFile,
} from './topic-definitions';

describe('redpanda/topics.yaml', () => {
  it('is the rendering of the topic catalog (regenerate with `pnpm docs:topics`)', () => {
    expect(readFileSync(topicDefinitionsFile(), 'utf8')).toBe(renderTopicDefinitions());
  });

  it('parses back to the catalog: every topic, its partitions, retention and cleanup policy', () => {
    const loaded = loadTopicDefinitions();
    expect(loaded).toEqual(catalogTopicDefinitions());
    for (const t of topicCatalog) {
      const def = loaded.find((d) => d.name === t.name)!;
      expect(def.partitions).toBe(t.partitions);
      expect(def.config['cleanup.policy']).toBe(t.cleanupPolicy);
      expect(Number(def.config['retention.ms'])).toBe(t.retentionMs);
    }
  });
});
