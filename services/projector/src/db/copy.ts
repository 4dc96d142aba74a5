import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { ident } from './sql';

/** One value in COPY text format: \N for null, backslash escapes for the characters COPY treats specially. */
export function copyText(value: unknown): string {
  if (value === null || value === undefined) return '\\N';
  const s =
    typeof value === 'string' ? value : typeof value === 'object' ? JSON.stringify(value) : String(value);
  return s.replace(/[\\\t\n\r]/g, (c) =>
    c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r',
  );
}

/** Bulk load (rebuilds into an empty shadow schema): COPY … FROM STDIN in text format. */
export async function copyRows(
  client: PoolClient,
  table: string,
  columns: readonly string[],
  rows: readonly Record<string, unknown>[],
): Promise<void> {
  if (rows.length === 0) return;
  const lines = rows.map((r) => `${columns.map((c) => copyText(r[c])).join('\t')}\n`);
  await pipeline(
    Readable.from(lines),
    client.query(copyFrom(`COPY ${table} (${columns.map(ident).join(', ')}) FROM STDIN`)),
  );
}
