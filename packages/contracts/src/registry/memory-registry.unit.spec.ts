import { MemorySchemaRegistry } from './memory-registry';

const v1 = JSON.stringify({
  type: 'record',
  name: 'Thing',
  fields: [{ name: 'a', type: 'string' }],
});
const v2Optional = JSON.stringify({
  type: 'record',
  name: 'Thing',
  fields: [
    { name: 'a', type: 'string' },
    { name: 'b', type: ['null', 'int'], default: null },
  ],
});
const v2Required = JSON.stringify({
  type: 'record',
  name: 'Thing',
  fields: [
    { name: 'a', type: 'string' },
    { name: 'c', type: 'int' },
  ],
});

describe('MemorySchemaRegistry', () => {
  it('gives one id per distinct schema and versions per subject', async () => {
    const r = new MemorySchemaRegistry();
    const id1 = await r.register('s', v1);
    expect(await r.register('s', ` ${v1} `)).toBe(id1);
    const id2 = await r.register('s', v2Optional);
    expect(id2).not.toBe(id1);
    expect(await r.latest('s')).toMatchObject({ id: id2, version: 2 });
    expect(await r.register('other', v1)).toBe(id1);
    expect(JSON.parse(await r.schemaById(id1))).toEqual(JSON.parse(v1));
  });

  it('enforces BACKWARD by default: optional field accepted, required field without default refused', async () => {
    const r = new MemorySchemaRegistry();
    await r.register('s', v1);
    expect(await r.isCompatible('s', v2Optional)).toBe(true);
    expect(await r.isCompatible('s', v2Required)).toBe(false);
    await expect(r.register('s', v2Required)).rejects.toMatchObject({ status: 409 });
    r.setCompatibility('NONE', 's');
    await expect(r.register('s', v2Required)).resolves.toBeGreaterThan(0);
  });

  it('answers 404-style errors for unknown ids and subjects', async () => {
    const r = new MemorySchemaRegistry();
    await expect(r.schemaById(42)).rejects.toMatchObject({ errorCode: 40403 });
    await expect(r.latest('nope')).rejects.toMatchObject({ errorCode: 40401 });
  });
});
