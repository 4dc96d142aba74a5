import avro from 'avsc';
import { registrySchema } from '../avro/load';
import { MemorySchemaRegistry } from '../registry/memory-registry';
import { samples } from '../testing/samples';
import { subjectFor } from '../topics/catalog';
import { decodeWire, encodeWire } from '../wire/confluent';
import { ContractError } from './contract-error';
import { RecordCodec } from './record-codec';

describe('RecordCodec', () => {
  const batch = samples['nagare.telemetry.MetricBatch'][0]!;

  it('writes the Confluent wire format and reads it back', async () => {
    const registry = new MemorySchemaRegistry();
    const codec = new RecordCodec(registry);
    const buf = await codec.encode('telemetry.metrics', 'nagare.telemetry.MetricBatch', batch);
    expect(buf[0]).toBe(0);
    const id = buf.readInt32BE(1);
    expect(
      await registry.latest(subjectFor('telemetry.metrics', 'nagare.telemetry.MetricBatch')),
    ).toMatchObject({
      id,
      version: 1,
    });
    const decoded = await codec.decode(buf);
    expect(decoded.name).toBe('nagare.telemetry.MetricBatch');
    expect(decoded.value).toEqual(batch);
  });

  it('is readable by a plain Avro deserializer given only the registered schema', async () => {
    const registry = new MemorySchemaRegistry();
    const buf = await new RecordCodec(registry).encode(
      'telemetry.metrics',
      'nagare.telemetry.MetricBatch',
      batch,
    );
    const { schemaId, body } = decodeWire(buf);
    const standalone = avro.Type.forSchema(JSON.parse(await registry.schemaById(schemaId)));
    expect(standalone.fromBuffer(body)).toEqual(batch);
  });

  it('refuses invalid values with the issues named', async () => {
    const codec = new RecordCodec(new MemorySchemaRegistry());
    const bad = { ...batch, agentSequence: 'seventeen' } as unknown as typeof batch;
    await expect(
      codec.encode('telemetry.metrics', 'nagare.telemetry.MetricBatch', bad),
    ).rejects.toMatchObject({
      code: 'SCHEMA_INVALID',
      message: expect.stringContaining('agentSequence'),
    });
  });

  it('rejects truncated, foreign and unknown-schema bytes with a ContractError', async () => {
    const registry = new MemorySchemaRegistry();
    const codec = new RecordCodec(registry);
    const good = await codec.encode('telemetry.metrics', 'nagare.telemetry.MetricBatch', batch);
    await expect(codec.decode(Buffer.from([0, 0]))).rejects.toMatchObject({ code: 'WIRE_FORMAT' });
    await expect(codec.decode(Buffer.from('{"json":true}'))).rejects.toMatchObject({ code: 'WIRE_FORMAT' });
    await expect(codec.decode(encodeWire(999, Buffer.alloc(3)))).rejects.toMatchObject({
      code: 'UNKNOWN_SCHEMA',
    });
    await expect(codec.decode(good.subarray(0, good.length - 4))).rejects.toBeInstanceOf(ContractError);
  });

  it('reads records written with an older schema version (schema evolution)', async () => {
    const registry = new MemorySchemaRegistry();
    // The writer is yesterday's MetricBatch, before `intervalMs` existed.
    const current = JSON.parse(registrySchema('nagare.telemetry.MetricBatch'));
    const older = {
      ...current,
      fields: current.fields.filter((f: { name: string }) => f.name !== 'intervalMs'),
    };
    const olderType = avro.Type.forSchema(older);
    const id = await registry.register('legacy', JSON.stringify(older));
    const { intervalMs: _drop, ...oldValue } = batch;
    const buf = encodeWire(id, olderType.toBuffer(oldValue));
    // intervalMs has no default, so today's reader cannot fill it: the resolver says so clearly.
    await expect(new RecordCodec(registry).decode(buf)).rejects.toThrow();

    const withDefault = {
      ...current,
      fields: [...current.fields, { name: 'note', type: ['null', 'string'], default: null, doc: 'new' }],
    };
    // The other direction: a newer writer with an extra field is read by today's reader, which drops it.
    const newerId = await registry.register('newer', JSON.stringify(withDefault));
    const newer = avro.Type.forSchema(withDefault).toBuffer({ ...batch, note: 'hi' });
    const decoded = await new RecordCodec(registry).decode(encodeWire(newerId, newer));
    expect(decoded.value).toEqual(batch);
  });

  it('decodeAs refuses a record of another kind', async () => {
    const codec = new RecordCodec(new MemorySchemaRegistry());
    const buf = await codec.encode('telemetry.metrics', 'nagare.telemetry.MetricBatch', batch);
    await expect(codec.decodeAs(buf, 'nagare.telemetry.HostFacts')).rejects.toMatchObject({
      code: 'UNKNOWN_RECORD',
    });
  });
});
