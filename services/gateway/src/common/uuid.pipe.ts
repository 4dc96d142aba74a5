import type { PipeTransform } from '@nestjs/common';
import { ApiError } from './api-error';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Path ids are UUIDs; anything else is a 404 without touching the database. */
export class UuidPipe implements PipeTransform {
  transform(value: unknown): string {
    if (typeof value !== 'string' || !UUID.test(value)) throw ApiError.notFound();
    return value.toLowerCase();
  }
}

const TEXT_ID = /^[A-Za-z0-9][A-Za-z0-9._:@-]{0,199}$/;

/** Path ids that are not UUIDs (host ids, alert ids `<key>.<n>`, stream ids): a safe charset or 404. */
export class IdPipe implements PipeTransform {
  transform(value: unknown): string {
    if (typeof value !== 'string' || !TEXT_ID.test(value)) throw ApiError.notFound();
    return value;
  }
}
