import { type PipeTransform } from '@nestjs/common';
import type { z } from 'zod';
import { ApiError } from './api-error';

export class ZodValidationPipe implements PipeTransform {
  constructor(
    private readonly schema: z.ZodType,
    private readonly part: 'body' | 'query' = 'body',
  ) {}

  transform(value: unknown): unknown {
    const result = this.schema.safeParse(value ?? undefined);
    if (result.success) return result.data;
    throw ApiError.badRequest(
      'validation_failed',
      `request ${this.part} is invalid`,
      result.error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message })),
    );
  }
}
