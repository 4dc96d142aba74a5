// `pnpm docs:topics`: regenerates docs/topics.md and redpanda/topics.yaml from the catalog and schemas/.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { schemasDir } from '../avro/schemas-dir';
import { renderTopicDefinitions, topicDefinitionsFile } from './topic-definitions';
import { renderTopicsDoc } from './topics-doc';

const file = path.join(schemasDir(), '..', 'docs', 'topics.md');
writeFileSync(file, renderTopicsDoc());
console.log(`wrote ${file}`);
writeFileSync(topicDefinitionsFile(), renderTopicDefinitions());
console.log(`wrote ${topicDefinitionsFile()}`);
