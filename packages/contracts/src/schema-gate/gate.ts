import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseSchemaFiles, readSchemaFiles, type SchemaFile } from '../avro/load';
import { compatibilityErrors } from '../registry/compatibility';

export interface GateFinding {
  file: string;
  against: string;
  errors: string[];
}

export interface GateResult {
  checked: number;
  changed: number;
  findings: GateFinding[];
}

const git = (cwd: string, args: string[]): string =>
  execFileSync('git', args, {
    cwd,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    maxBuffer: 64 << 20,
  });

/**
 * The last committed version of `relPath` whose content differs from `current`: in a
 * working tree with edits that is HEAD's; on a clean checkout (CI) it is the version before
 * the commit that last changed the file.
 */
function previousVersion(
  repo: string,
  relPath: string,
  current: string,
): { rev: string; text: string } | undefined {
  let revs: string[];
  try {
    revs = git(repo, ['log', '--format=%H', '--', relPath]).split('\n').filter(Boolean);
  } catch {
    return undefined;
  }
  const norm = (s: string) => JSON.stringify(JSON.parse(s));
  const now = norm(current);
  for (const rev of revs) {
    let text: string;
    try {
      text = git(repo, ['show', `${rev}:${relPath}`]);
    } catch {
      continue; // deleted in that commit
    }
    if (norm(text) !== now) return { rev: rev.slice(0, 12), text };
  }
  return undefined;
}

/**
 * Schema gate: every schema must be BACKWARD compatible with its last committed version
 * (the new schema reads data written with the old one), and no committed schema may vanish.
 * Named types referenced across files are resolved with the other files of the same revision
 * (current ones for the candidate, to keep the check per file).
 */
export function checkSchemas(schemasDir: string): GateResult {
  const repo = git(schemasDir, ['rev-parse', '--show-toplevel']).trim();
  const files = readSchemaFiles(schemasDir);
  const current = parseSchemaFiles(files);
  const findings: GateFinding[] = [];
  let changed = 0;
  for (const f of files) {
    const rel = path.relative(repo, f.file);
    const prev = previousVersion(repo, rel, readFileSync(f.file, 'utf8'));
    if (!prev) continue;
    changed++;
    const candidate = current.types.get(f.name);
    let old: string;
    try {
      // Resolve the old file's references with today's named types (they are gated themselves).
      const others = files.filter((o) => o.file !== f.file);
      const oldFile: SchemaFile = { ...f, json: JSON.parse(prev.text) };
      old = JSON.stringify(
        parseSchemaFiles([...others, oldFile])
          .types.get(oldFile.name)
          ?.schema({ exportAttrs: true }),
      );
    } catch (err) {
      findings.push({
        file: rel,
        against: prev.rev,
        errors: [`cannot parse committed version: ${String(err)}`],
      });
      continue;
    }
    const errors = compatibilityErrors('BACKWARD', JSON.stringify(candidate?.schema({ exportAttrs: true })), [
      old,
    ]);
    if (errors.length > 0) findings.push({ file: rel, against: prev.rev, errors });
  }
  // A schema removed from the tree strands every consumer of its records.
  const relDir = path.relative(repo, schemasDir) || '.';
  let committed: string[] = [];
  try {
    committed = git(repo, ['ls-tree', '-r', '--name-only', 'HEAD', '--', relDir])
      .split('\n')
      .filter((p) => p.endsWith('.avsc'));
  } catch {
    committed = [];
  }
  const present = new Set(files.map((f) => path.relative(repo, f.file)));
  for (const rel of committed) {
    if (!present.has(rel)) findings.push({ file: rel, against: 'HEAD', errors: ['schema removed'] });
  }
  return { checked: files.length, changed, findings };
}
