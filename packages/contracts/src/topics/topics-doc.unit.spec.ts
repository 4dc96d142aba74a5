import { readFileSync } from 'node:fs';
import path from 'node:path';
import { schemasDir } from '../avro/schemas-dir';
import { renderTopicsDoc } from './topics-doc';

describe('docs/topics.md', () => {
  it('is up to date with the catalog and schemas (regenerate with `pnpm docs:topics`)', () => {
    const file = path.join(schemasDir(), '..', 'docs', 'topics.md');
    expect(readFileSync(file, 'utf8')).toBe(renderTopicsDoc());
  });
});
