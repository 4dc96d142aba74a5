import type avro from 'avsc';
import type { z } from 'zod';
import { loadSchemas } from '../avro/load';
import { samples } from '../testing/samples';
import { type RecordName, recordValidators } from '.';

/** A type signature both sides can be reduced to, so the .avsc files and the zod validators can be compared. */
function avroShape(type: avro.Type): string {
  const t = type as avro.Type & {
    typeName: string;
    fields?: { name: string; type: avro.Type; defaultValue(): unknown }[];
    itemsType?: avro.Type;
    valuesType?: avro.Type;
    symbols?: string[];
    types?: avro.Type[];
  };
  switch (t.typeName) {
    case 'record':
    case 'error':
      return `{${t
        .fields!.map((f) => {
          const dv = f.defaultValue();
          const def =
            dv === undefined ? '' : `=${JSON.stringify(Buffer.isBuffer(dv) ? dv.toString('hex') : dv)}`;
          return `${f.name}:${avroShape(f.type)}${def}`;
        })
        .join(',')}}`;
    case 'array':
      return `[${avroShape(t.itemsType!)}]`;
    case 'map':
      return `map<${avroShape(t.valuesType!)}>`;
    case 'enum':
      return `enum(${t.symbols!.join('|')})`;
    case 'union:unwrapped':
      return t.types!.map((b) => (b.typeName === 'null' ? 'null' : avroShape(b))).join('|');
    case 'union:wrapped':
      return `union(${t.types!.map((b) => `${b.name}=>${avroShape(b)}`).join(';')})`;
    default:
      return t.typeName;
  }
}

type Def = {
  type: string;
  shape?: Record<string, z.ZodType>;
  element?: z.ZodType;
  valueType?: z.ZodType;
  innerType?: z.ZodType;
  defaultValue?: unknown;
  entries?: Record<string, string>;
  options?: z.ZodType[];
};
const defOf = (s: z.ZodType) => (s as unknown as { _zod: { def: Def } })._zod.def;

function zodShape(schema: z.ZodType): string {
  const def = defOf(schema);
  switch (def.type) {
    case 'object':
      return `{${Object.entries(def.shape!)
        .map(([name, s]) => {
          const d = defOf(s);
          if (d.type === 'default') {
            const dv = d.defaultValue;
            return `${name}:${zodShape(d.innerType!)}=${JSON.stringify(Buffer.isBuffer(dv) ? dv.toString('hex') : dv)}`;
          }
          return `${name}:${zodShape(s)}`;
        })
        .join(',')}}`;
    case 'array':
      return `[${zodShape(def.element!)}]`;
    case 'record':
      return `map<${zodShape(def.valueType!)}>`;
    case 'enum':
      return `enum(${Object.values(def.entries!).join('|')})`;
    case 'nullable':
      return `null|${zodShape(def.innerType!)}`;
    case 'union':
      return `union(${def
        .options!.map((o) => {
          const [name, inner] = Object.entries(defOf(o).shape!)[0]!;
          return `${name}=>${zodShape(inner)}`;
        })
        .join(';')})`;
    case 'number': {
      const n = schema as unknown as { isInt: boolean; maxValue: number };
      if (!n.isInt) return 'double';
      return n.maxValue === 2 ** 31 - 1 ? 'int' : 'long';
    }
    case 'custom':
      return 'bytes';
    default:
      return def.type;
  }
}

const { types, files } = loadSchemas();
const names = Object.keys(recordValidators) as RecordName[];

describe('records: .avsc files and zod validators agree', () => {
  it('has one validator for every schema file and no other', () => {
    expect([...new Set(files.map((f) => f.name))].sort()).toEqual([...names].sort());
  });

  it.each(names)('%s has the same fields, types, optionality and defaults on both sides', (name) => {
    const avroSide = avroShape(types.get(name)!).replace(/\bfloat\b/g, 'double');
    expect(zodShape(recordValidators[name] as unknown as z.ZodType)).toBe(avroSide);
  });

  it('documents every field of every schema', () => {
    const undocumented: string[] = [];
    const walk = (t: unknown, where: string) => {
      if (Array.isArray(t)) {
        for (const b of t) walk(b, where);
        return;
      }
      if (!t || typeof t !== 'object') return;
      const o = t as {
        type: unknown;
        name?: string;
        fields?: { name: string; doc?: string; type: unknown }[];
      };
      if (o.type === 'record') {
        for (const f of o.fields ?? []) {
          if (!f.doc?.trim()) undocumented.push(`${where}.${o.name}.${f.name}`);
          walk(f.type, where);
        }
      } else walk(o.type, where);
      walk((o as { items?: unknown }).items, where);
      walk((o as { values?: unknown }).values, where);
    };
    for (const f of files) walk(f.json, f.folder);
    expect(undocumented).toEqual([]);
  });
});

describe('records: samples round-trip', () => {
  it.each(names)('%s: every sample is zod-valid and survives Avro unchanged', (name) => {
    const list = samples[name] as unknown[];
    expect(list.length).toBeGreaterThan(0);
    for (const sample of list) {
      const parsed = (recordValidators[name] as unknown as z.ZodType).parse(sample);
      const type = types.get(name)!;
      const decoded = type.fromBuffer(type.toBuffer(parsed));
      expect(decoded).toEqual(parsed);
    }
  });
});

/** Mutations of a valid value: each field set to something of the wrong kind. */
function* mutations(value: unknown, path: string[] = []): Generator<[string, unknown]> {
  if (!value || typeof value !== 'object' || Buffer.isBuffer(value)) return;
  const bad: unknown[] = [
    'x',
    1.5,
    2 ** 31,
    -1,
    null,
    undefined,
    true,
    [],
    {},
    Buffer.from('z'),
    'NOT_A_SYMBOL',
  ];
  for (const key of Object.keys(value)) {
    const here = [...path, key];
    for (const b of bad) {
      const clone = structuredClone(value) as Record<string, unknown>;
      // structuredClone turns Buffers into Uint8Arrays: restore them.
      restoreBuffers(value, clone);
      clone[key] = b;
      yield [here.join('.'), clone];
    }
    const inner = (value as Record<string, unknown>)[key];
    for (const [p, m] of mutations(inner, here)) {
      const clone = structuredClone(value) as Record<string, unknown>;
      restoreBuffers(value, clone);
      clone[key] = m;
      yield [p, clone];
    }
  }
}
function restoreBuffers(from: unknown, to: unknown): void {
  if (!from || typeof from !== 'object' || !to || typeof to !== 'object') return;
  for (const [k, v] of Object.entries(from)) {
    if (Buffer.isBuffer(v)) (to as Record<string, unknown>)[k] = Buffer.from(v);
    else restoreBuffers(v, (to as Record<string, unknown>)[k]);
  }
}

describe('records: zod rejects what Avro cannot encode', () => {
  it.each(names)('%s: whatever zod accepts is Avro-valid, and wrong kinds are rejected', (name) => {
    const validator = recordValidators[name] as unknown as z.ZodType;
    const type = types.get(name)!;
    let rejected = 0;
    let total = 0;
    for (const [path, mutated] of mutations((samples[name] as unknown[])[0])) {
      total++;
      const parsed = validator.safeParse(mutated);
      if (parsed.success) {
        if (!type.isValid(parsed.data))
          throw new Error(`zod accepted ${path} = ${String(mutated)} but Avro cannot encode it`);
      } else rejected++;
    }
    expect(total).toBeGreaterThan(0);
    expect(rejected).toBeGreaterThan(total / 2);
  });
});
