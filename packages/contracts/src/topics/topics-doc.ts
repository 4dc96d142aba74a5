import { loadSchemas } from '../avro/load';
import { subjectFor, type TopicSpec, topicCatalog } from './catalog';

const retention = (ms: number) =>
  ms < 0 ? 'forever' : ms % 86_400_000 === 0 ? `${ms / 86_400_000} d` : `${ms / 3_600_000} h`;

/** docs/topics.md, rendered from the catalog and schemas/ so it cannot drift from them. */
export function renderTopicsDoc(): string {
  const { files } = loadSchemas();
  const fileOf = (name: string) => {
    const f = files.find((x) => x.name === name);
    if (!f) throw new Error(`no schema file for ${name}`);
    return f as typeof f & {
      json: { doc?: string; fields: { name: string; type: unknown; doc?: string }[] };
    };
  };
  const fieldTable = (name: string) => {
    out.push('| field | type | meaning |', '| --- | --- | --- |');
    for (const field of fileOf(name).json.fields) {
      out.push(`| \`${field.name}\` | ${typeName(field.type)} | ${field.doc ?? ''} |`);
    }
    out.push('');
  };
  const out: string[] = [
    '# Topics and schemas',
    '',
    '<!-- Generated from packages/contracts (topic catalog) and schemas/ by `pnpm docs:topics`; a test fails when it is stale. -->',
    '',
    'Every record is Avro in the Confluent wire format: magic byte `0`, a 4-byte big-endian schema id,',
    'then the Avro body. Subjects follow the TopicRecordNameStrategy, `<topic>-<record full name>`,',
    'so one topic may carry several record types; a standard Confluent Avro deserializer needs only the',
    'schema id. Schemas evolve BACKWARD-compatibly (`pnpm schemas:check` gates every change against its',
    'last committed version). Domain events are delivered at least once: dedupe by `meta.eventId`.',
    '',
    '| topic | key | partitions | retention | cleanup | records |',
    '| --- | --- | --- | --- | --- | --- |',
    ...topicCatalog.map(
      (t) =>
        `| \`${t.name}\` | ${t.key} | ${t.partitions} | ${retention(t.retentionMs)} | ${t.cleanupPolicy} | ${t.values
          .map((v) => v.slice(v.lastIndexOf('.') + 1))
          .join(', ')} |`,
    ),
    '',
  ];
  const section = (t: TopicSpec) => {
    out.push(`## \`${t.name}\``, '', t.description, '');
    for (const v of t.values) {
      const f = fileOf(v);
      const rel = f.file.slice(f.file.lastIndexOf('schemas/'));
      out.push(
        `### ${v}`,
        '',
        `${f.json.doc ?? ''} Subject \`${subjectFor(t.name, v)}\`, schema [\`${rel}\`](../${rel}).`,
        '',
      );
      fieldTable(v);
    }
  };
  for (const t of topicCatalog.filter((x) => !x.name.endsWith('.dlq'))) section(t);
  out.push('## Dead-letter topics', '');
  out.push(
    'Each topic `T` has `T.dlq` (plus `agent.frames.dlq` for undecodable agent frames), holding `nagare.dlq.DeadLetter`',
    'records: the original key and value bytes untouched, the reason and a machine-readable code.',
    '',
  );
  const dlq = topicCatalog.find((x) => x.name.endsWith('.dlq'));
  if (dlq) fieldTable(dlq.values[0]!);
  return `${out.join('\n').trimEnd()}\n`;
}

function typeName(t: unknown): string {
  if (typeof t === 'string') return t.slice(t.lastIndexOf('.') + 1);
  if (Array.isArray(t)) return t.map(typeName).join(' \\| ');
  const o = t as {
    type: string;
    name?: string;
    items?: unknown;
    values?: unknown;
    logicalType?: string;
    symbols?: string[];
  };
  if (o.logicalType) return o.logicalType;
  if (o.type === 'array') return `array<${typeName(o.items)}>`;
  if (o.type === 'map') return `map<${typeName(o.values)}>`;
  if (o.type === 'enum') return `enum ${o.name} (${o.symbols?.join(', ')})`;
  if (o.type === 'record') return `record ${o.name}`;
  return typeName(o.type);
}
