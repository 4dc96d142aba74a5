import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { tempDir } from '@nagare/testkit';
import { readProcSync, which } from './system';

describe('readProcSync', () => {
  it('reads procfs files whole, and files bigger than its buffer', () => {
    expect(readProcSync('/proc/self/stat')).toMatch(/^\d+ \(/);
    const dir = tempDir();
    try {
      const big = path.join(dir.path, 'big');
      const text = 'processor\t: 0\n'.repeat(20_000);
      writeFileSync(big, text);
      expect(readProcSync(big)).toBe(text);
      const exact = path.join(dir.path, 'exact');
      writeFileSync(exact, 'x'.repeat(64 * 1024));
      expect(readProcSync(exact)).toBe(readFileSync(exact, 'utf8'));
      expect(readProcSync(path.join(dir.path, 'missing'))).toBeUndefined();
    } finally {
      dir.cleanup();
    }
  });

  it('finds executables on PATH only', () => {
    expect(which('sh')).toMatch(/\/sh$/);
    expect(which('definitely-not-a-tool-nagare')).toBeUndefined();
    expect(which('/nonexistent/bin/x')).toBeUndefined();
  });
});
