/** Quotes a SQL identifier (schema, table, partition names are built from config and dates). */
export function ident(name: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(name)) {
    throw new Error(`invalid SQL identifier ${JSON.stringify(name)}: use letters, digits and _ (max 63)`);
  }
  return `"${name}"`;
}

/** `"schema"."table"` */
export const qualified = (schema: string, table: string): string => `${ident(schema)}.${ident(table)}`;

/** JSON for jsonb columns: Buffers become base64 strings instead of Node's {type, data} arrays. */
export function toJson(value: unknown): string {
  return JSON.stringify(value, (_key, v) => {
    if (
      v &&
      typeof v === 'object' &&
      (v as { type?: unknown }).type === 'Buffer' &&
      Array.isArray((v as { data?: unknown }).data)
    ) {
      return Buffer.from((v as { data: number[] }).data).toString('base64');
    }
    return v;
  });
}
