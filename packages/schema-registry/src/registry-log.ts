import {
  appendFileSync,
  closeSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  writeSync,
} from 'node:fs';
import path from 'node:path';
import { type CompatibilityLevel, MemorySchemaRegistry } from '@nagare/contracts';

/** One line of the registry's append-only log: every change, replayed in order on start. */
type LogEntry =
  | { op: 'register'; subject: string; id: number; version: number; schema: string }
  | { op: 'delete'; subject: string; versions: number[] }
  | { op: 'config'; subject?: string; level: CompatibilityLevel };

/**
 * The registry's state on disk: `schemas.log` (JSON lines, fsync'd per change). A torn last
 * line (crash mid-write) is ignored on replay, since that change was never acknowledged.
 */
export class PersistentSchemaStore {
  readonly registry = new MemorySchemaRegistry();
  private readonly file: string;

  constructor(dataDir: string) {
    mkdirSync(dataDir, { recursive: true });
    this.file = path.join(dataDir, 'schemas.log');
    if (existsSync(this.file)) this.replay(readFileSync(this.file, 'utf8'));
  }

  private replay(text: string): void {
    const lines = text.split('\n');
    const complete = text.endsWith('\n') ? lines : lines.slice(0, -1);
    for (const line of complete) {
      if (!line.trim()) continue;
      const e = JSON.parse(line) as LogEntry;
      if (e.op === 'register')
        this.registry.registerVersion(e.subject, e.schema, { id: e.id, version: e.version });
      else if (e.op === 'config') this.registry.setCompatibility(e.level, e.subject);
      else for (const v of e.versions) this.registry.deleteSubject(e.subject, v);
    }
    if (!text.endsWith('\n') && text.length > 0) {
      // Rewrite without the torn tail so the next append starts on a fresh line.
      appendFileSync(this.file, '\n');
    }
  }

  private append(entry: LogEntry): void {
    const fd = openSync(this.file, 'a');
    try {
      writeSync(fd, `${JSON.stringify(entry)}\n`);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  }

  register(subject: string, schema: string) {
    const before = this.registry.subjects().includes(subject) ? this.registry.versions(subject).length : 0;
    const result = this.registry.registerVersion(subject, schema);
    const after = this.registry.versions(subject).length;
    if (after > before) this.append({ op: 'register', ...result });
    return result;
  }

  deleteSubject(subject: string, version?: number | 'latest'): number[] {
    const versions = this.registry.deleteSubject(subject, version);
    this.append({ op: 'delete', subject, versions });
    return versions;
  }

  setCompatibility(level: CompatibilityLevel, subject?: string): void {
    this.registry.setCompatibility(level, subject);
    this.append({ op: 'config', level, ...(subject ? { subject } : {}) });
  }
}
