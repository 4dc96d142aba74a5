import { execFile } from 'node:child_process';
import { accessSync, closeSync, constants, openSync, readFileSync, readSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';

/** Reads a small text file, or undefined when it is absent or unreadable (EINVAL on link-down speed). */
export async function readText(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch {
    return undefined;
  }
}

const scratch = Buffer.allocUnsafe(64 * 1024);

/**
 * Reads a small /proc or /sys file synchronously into a shared buffer. procfs files are
 * generated in memory, so this never waits on a disk, and it costs a fraction of
 * fs.promises.readFile (which stats, allocates and schedules per file): it is what keeps
 * a scan of every /proc/[pid] cheap.
 */
export function readProcSync(file: string): string | undefined {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch {
    return undefined;
  }
  try {
    let n = 0;
    for (;;) {
      const r = readSync(fd, scratch, n, scratch.length - n, null);
      if (r <= 0) break;
      n += r;
      // Bigger than the scratch buffer (cpuinfo on a large host): read it whole instead.
      if (n === scratch.length) return readFileSync(file, 'utf8');
    }
    return scratch.toString('utf8', 0, n);
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}

export async function listDir(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch {
    return [];
  }
}

/** Full path of an executable found on PATH, or undefined. */
export function which(name: string, envPath = process.env.PATH ?? ''): string | undefined {
  if (name.includes('/')) {
    try {
      accessSync(name, constants.X_OK);
      return name;
    } catch {
      return undefined;
    }
  }
  for (const dir of envPath.split(':')) {
    if (!dir) continue;
    const full = path.join(dir, name);
    try {
      accessSync(full, constants.X_OK);
      return full;
    } catch {
      // not in this directory
    }
  }
  return undefined;
}

export interface ExecResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a helper tool (nvidia-smi, smartctl) with a timeout; never throws. */
export function runTool(file: string, args: string[], timeoutMs = 5000): Promise<ExecResult> {
  return new Promise((resolve) => {
    execFile(file, args, { timeout: timeoutMs, maxBuffer: 4 * 1024 * 1024 }, (err, stdout, stderr) => {
      const code = err
        ? typeof (err as { code?: unknown }).code === 'number'
          ? (err as { code: number }).code
          : null
        : 0;
      resolve({ code, stdout: String(stdout), stderr: String(stderr) });
    });
  });
}

/** /etc/os-release: PRETTY_NAME (or NAME), VERSION_ID, ID. */
export function parseOsRelease(text: string): { name: string; version: string | null; id: string | null } {
  const kv = new Map<string, string>();
  for (const line of text.split('\n')) {
    const m = /^([A-Z_]+)=(?:"([^"]*)"|'([^']*)'|(.*))$/.exec(line.trim());
    if (m) kv.set(m[1]!, m[2] ?? m[3] ?? m[4] ?? '');
  }
  return {
    name: kv.get('PRETTY_NAME') || kv.get('NAME') || 'Linux',
    version: kv.get('VERSION_ID') || null,
    id: kv.get('ID') || null,
  };
}

export function osRelease(): { name: string; version: string | null; id: string | null } {
  for (const f of ['/etc/os-release', '/usr/lib/os-release']) {
    try {
      return parseOsRelease(readFileSync(f, 'utf8'));
    } catch {
      // try the next one
    }
  }
  return { name: 'Linux', version: null, id: null };
}
