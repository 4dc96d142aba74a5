import { z } from 'zod';

/** A repeatable query parameter (`?a=1&a=2`) as an array. */
export const many = <T extends z.ZodType>(item: T) =>
  z
    .union([item, z.array(item)])
    .optional()
    .transform((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]) as z.output<T>[]);

/** `label=k=v` (repeatable) → { k: v }. */
export const labelParams = many(
  z.string().regex(/^[^=]{1,128}=.{0,1024}$/, 'label must be key=value'),
).transform((items) => {
  const out: Record<string, string> = {};
  for (const item of items) {
    const i = item.indexOf('=');
    out[item.slice(0, i)] = item.slice(i + 1);
  }
  return out;
});

export const listParams = {
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  cursor: z.string().max(200).optional(),
};

export const epochMs = z.coerce.number().int().min(0).max(8.64e15);
export const boolParam = z.enum(['true', 'false']).transform((v) => v === 'true');

import { cursor } from '../read-models/views';
import { ApiError } from './api-error';

export function offsetOf(value: string | undefined): number {
  const offset = cursor.decode(value);
  if (offset < 0) throw ApiError.badRequest('invalid_cursor', 'cursor is not one this API issued');
  return offset;
}

/** Repositories fetch limit + 1 rows: the extra one says whether another page exists. */
export function page<T>(rows: T[], limit: number, offset: number): { items: T[]; nextCursor: string | null } {
  return {
    items: rows.slice(0, limit),
    nextCursor: rows.length > limit ? cursor.encode(offset + limit) : null,
  };
}

export const nextCursor = (more: boolean, offset: number, limit: number): string | null =>
  more ? cursor.encode(offset + limit) : null;
