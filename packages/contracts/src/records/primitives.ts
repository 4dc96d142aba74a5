import { z } from 'zod';

/** Avro `int`: a 32-bit signed integer. */
export const avroInt = z
  .number()
  .int()
  .min(-(2 ** 31))
  .max(2 ** 31 - 1);
/**
 * Avro `long`, held as a JS number: Nagare's longs (sequences, offsets, byte counts, epoch
 * milliseconds) stay far below 2^53, and avsc decodes longs to numbers by default.
 */
export const avroLong = z.number().int().min(Number.MIN_SAFE_INTEGER).max(Number.MAX_SAFE_INTEGER);
/** Avro `double`: finite only (NaN and infinities are never meaningful measurements here). */
export const avroDouble = z.number().finite();
export const avroFloat = z.number().finite();
/** Avro `bytes`. */
export const avroBytes = z.instanceof(Buffer);
/** Avro `long` with logicalType timestamp-millis: milliseconds since the Unix epoch, UTC. */
export const timestampMillis = avroLong.min(0);
