import avro from 'avsc';
import { avroOptions } from '../avro/load';

export type CompatibilityLevel =
  | 'NONE'
  | 'BACKWARD'
  | 'BACKWARD_TRANSITIVE'
  | 'FORWARD'
  | 'FORWARD_TRANSITIVE'
  | 'FULL'
  | 'FULL_TRANSITIVE';

/** Why `reader` cannot read data written with `writer`, or undefined when it can. */
export function readIncompatibility(reader: string | object, writer: string | object): string | undefined {
  try {
    const r = avro.Type.forSchema(typeof reader === 'string' ? JSON.parse(reader) : reader, avroOptions());
    const w = avro.Type.forSchema(typeof writer === 'string' ? JSON.parse(writer) : writer, avroOptions());
    r.createResolver(w);
    return undefined;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}

/**
 * Checks `candidate` against earlier versions (oldest first) under a Confluent compatibility
 * level; returns the reasons it fails (empty when compatible).
 */
export function compatibilityErrors(
  level: CompatibilityLevel,
  candidate: string,
  previous: readonly string[],
): string[] {
  if (level === 'NONE' || previous.length === 0) return [];
  const transitive = level.endsWith('_TRANSITIVE');
  const against = transitive ? previous : previous.slice(-1);
  const errors: string[] = [];
  for (const old of against) {
    if (level.startsWith('BACKWARD') || level.startsWith('FULL')) {
      const why = readIncompatibility(candidate, old);
      if (why) errors.push(`new schema cannot read data written with an earlier version: ${why}`);
    }
    if (level.startsWith('FORWARD') || level.startsWith('FULL')) {
      const why = readIncompatibility(old, candidate);
      if (why) errors.push(`an earlier schema cannot read data written with the new version: ${why}`);
    }
  }
  return errors;
}
