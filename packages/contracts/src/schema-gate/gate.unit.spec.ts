import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { tempDir } from '@nagare/testkit';
import { checkSchemas } from './gate';

const git = (cwd: string, ...args: string[]) =>
  execFileSync('git', ['-c', 'user.email=t@nagare', '-c', 'user.name=t', ...args], { cwd, stdio: 'pipe' });

const base = {
  type: 'record',
  name: 'Reading',
  namespace: 'nagare.test',
  doc: 'test',
  fields: [{ name: 'value', type: 'double', doc: 'v' }],
};

describe('schema gate', () => {
  let dir: ReturnType<typeof tempDir>;
  let schemas: string;
  const file = () => path.join(schemas, 'test.topic', 'Reading.avsc');
  const write = (s: object) => writeFileSync(file(), JSON.stringify(s, null, 2));

  beforeEach(() => {
    dir = tempDir('nagare-gate-');
    schemas = path.join(dir.path, 'schemas');
    mkdirSync(path.join(schemas, 'test.topic'), { recursive: true });
    git(dir.path, 'init', '-q');
    write(base);
    git(dir.path, 'add', '.');
    git(dir.path, 'commit', '-qm', 'v1');
  });
  afterEach(() => dir.cleanup());

  it('accepts an added optional field, uncommitted and after commit', () => {
    write({
      ...base,
      fields: [...base.fields, { name: 'unit', type: ['null', 'string'], default: null, doc: 'u' }],
    });
    expect(checkSchemas(schemas)).toMatchObject({ changed: 1, findings: [] });
    git(dir.path, 'commit', '-qam', 'v2');
    expect(checkSchemas(schemas)).toMatchObject({ changed: 1, findings: [] });
  });

  it('rejects a required field without a default, uncommitted and after commit', () => {
    write({ ...base, fields: [...base.fields, { name: 'unit', type: 'string', doc: 'u' }] });
    const now = checkSchemas(schemas);
    expect(now.findings).toHaveLength(1);
    expect(now.findings[0]!.file).toBe('schemas/test.topic/Reading.avsc');
    expect(now.findings[0]!.errors.join()).toMatch(/cannot read data written with an earlier version/);
    git(dir.path, 'commit', '-qam', 'v2 breaks readers');
    expect(checkSchemas(schemas).findings).toHaveLength(1);
  });

  it('rejects a changed field type and a removed schema', () => {
    write({ ...base, fields: [{ name: 'value', type: 'string', doc: 'v' }] });
    expect(checkSchemas(schemas).findings).toHaveLength(1);
    rmSync(file());
    expect(checkSchemas(schemas).findings[0]!.errors).toEqual(['schema removed']);
  });
});
