// Display formatting; every function accepts null/undefined/NaN and returns an em dash for it.
const DASH = '—';

const ok = (n: number | null | undefined): n is number => typeof n === 'number' && Number.isFinite(n);

export function formatPercent(n: number | null | undefined, digits = 1): string {
  return ok(n) ? `${n.toFixed(digits)}%` : DASH;
}

const BYTE_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];

export function formatBytes(n: number | null | undefined, digits = 1): string {
  if (!ok(n)) return DASH;
  const sign = n < 0 ? '-' : '';
  let v = Math.abs(n);
  let i = 0;
  while (v >= 1024 && i < BYTE_UNITS.length - 1) {
    v /= 1024;
    i++;
  }
  return `${sign}${i === 0 ? Math.round(v) : v.toFixed(digits)} ${BYTE_UNITS[i]}`;
}

export function formatRate(bytesPerSec: number | null | undefined): string {
  return ok(bytesPerSec) ? `${formatBytes(bytesPerSec)}/s` : DASH;
}

/** 1234 ms → "1.2 s", 90 000 → "1m 30s", 7 200 000 → "2h 0m". */
export function formatDuration(ms: number | null | undefined): string {
  if (!ok(ms)) return DASH;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const s = Math.floor(ms / 1000);
  if (s < 3600) return `${Math.floor(s / 60)}m ${s % 60}s`;
  if (s < 86_400) return `${Math.floor(s / 3600)}h ${Math.floor((s % 3600) / 60)}m`;
  return `${Math.floor(s / 86_400)}d ${Math.floor((s % 86_400) / 3600)}h`;
}

/** "just now", "42s ago", "5m ago", "3h ago", "2d ago"; future times read "in 5m". */
export function formatRelative(at: number | null | undefined, now: number): string {
  if (!ok(at)) return DASH;
  const d = now - at;
  const abs = Math.abs(d);
  if (abs < 5000) return 'just now';
  let text: string;
  if (abs < 60_000) text = `${Math.floor(abs / 1000)}s`;
  else if (abs < 3_600_000) text = `${Math.floor(abs / 60_000)}m`;
  else if (abs < 86_400_000) text = `${Math.floor(abs / 3_600_000)}h`;
  else text = `${Math.floor(abs / 86_400_000)}d`;
  return d >= 0 ? `${text} ago` : `in ${text}`;
}

/** ISO-like local time, to the second: "2026-11-22 03:04:05". */
export function formatTime(at: number | null | undefined): string {
  if (!ok(at)) return DASH;
  const d = new Date(at);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

export const SEVERITIES = ['info', 'warning', 'critical', 'page'] as const;

/** Severity as the schemas define it: 0 info, 1 warning, 2 critical, 3 page. */
export function severityName(s: number | null | undefined): string {
  return ok(s) && s >= 0 && s < SEVERITIES.length ? SEVERITIES[s]! : 'unknown';
}

export function formatArgv(argv: string[], shell = false): string {
  if (shell) return argv.join(' ');
  return argv.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ');
}

/** Splits a command line into argv like a POSIX shell would for quotes and backslashes (no expansion). */
export function parseArgv(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let has = false;
  let quote: '"' | "'" | null = null;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quote === "'") {
      if (c === "'") quote = null;
      else cur += c;
    } else if (quote === '"') {
      if (c === '"') quote = null;
      else if (c === '\\' && i + 1 < line.length && '"\\$`'.includes(line[i + 1]!)) cur += line[++i];
      else cur += c;
    } else if (c === "'" || c === '"') {
      quote = c;
      has = true;
    } else if (c === '\\' && i + 1 < line.length) {
      cur += line[++i];
      has = true;
    } else if (/\s/.test(c)) {
      if (has || cur) out.push(cur);
      cur = '';
      has = false;
    } else {
      cur += c;
    }
  }
  if (quote) throw new Error('unterminated quote');
  if (has || cur) out.push(cur);
  return out;
}

export function formatLabels(labels: Record<string, string> | null | undefined): string {
  if (!labels) return '';
  return Object.entries(labels)
    .map(([k, v]) => `${k}=${v}`)
    .join(', ');
}

/** "env=prod, role=db" or "env=prod role=db" → { env: 'prod', role: 'db' }; bad parts are reported. */
export function parseLabels(text: string): { labels: Record<string, string>; errors: string[] } {
  const labels: Record<string, string> = {};
  const errors: string[] = [];
  for (const part of text.split(/[,\s]+/).filter(Boolean)) {
    const eq = part.indexOf('=');
    if (eq <= 0) errors.push(`"${part}" is not key=value`);
    else labels[part.slice(0, eq)] = part.slice(eq + 1);
  }
  return { labels, errors };
}
