import { appendFileSync } from 'node:fs';
import path from 'node:path';
import { SchemaRegistry as ConfluentSerDe, SchemaType } from '@kafkajs/confluent-schema-registry';
import {
  HttpSchemaRegistry,
  RecordCodec,
  registrySchema,
  contractSamples as samples,
} from '@nagare/contracts';
import { tempDir } from '@nagare/testkit';
import { type RunningSchemaRegistry, startSchemaRegistry } from './server';

const thing = (fields: object[]) => JSON.stringify({ type: 'record', name: 'Thing', namespace: 't', fields });

describe('schema registry server', () => {
  let dir: ReturnType<typeof tempDir>;
  let server: RunningSchemaRegistry;
  const call = async (method: string, p: string, body?: unknown) => {
    const res = await fetch(`${server.url}${p}`, {
      method,
      headers: { 'content-type': 'application/vnd.schemaregistry.v1+json' },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> & unknown[] };
  };

  beforeEach(async () => {
    dir = tempDir('nagare-registry-');
    server = await startSchemaRegistry({ dataDir: dir.path });
  });
  afterEach(async () => {
    await server.close();
    dir.cleanup();
  });

  it('serves Nagare codecs: register on first encode, decode by id', async () => {
    const codec = new RecordCodec(new HttpSchemaRegistry(server.url));
    const batch = samples['nagare.telemetry.MetricBatch'][0]!;
    const buf = await codec.encode('telemetry.metrics', 'nagare.telemetry.MetricBatch', batch);
    const fresh = new RecordCodec(new HttpSchemaRegistry(server.url));
    expect((await fresh.decode(buf)).value).toEqual(batch);
    expect((await call('GET', '/subjects')).body).toEqual(['telemetry.metrics-nagare.telemetry.MetricBatch']);
  });

  it('works with @kafkajs/confluent-schema-registry, a standard SerDe, in both directions', async () => {
    const serde = new ConfluentSerDe({ host: server.url });
    const facts = samples['nagare.telemetry.HostFacts'][0]!;
    // What Nagare writes, the standard SerDe reads.
    const ours = await new RecordCodec(new HttpSchemaRegistry(server.url)).encode(
      'telemetry.inventory',
      'nagare.telemetry.HostFacts',
      facts,
    );
    expect(await serde.decode(ours)).toMatchObject({ hostname: facts.hostname, kernel: facts.kernel });
    // What the standard SerDe writes, Nagare reads.
    const { id } = await serde.register(
      { type: SchemaType.AVRO, schema: registrySchema('nagare.telemetry.HostFacts') },
      { subject: 'telemetry.inventory-nagare.telemetry.HostFacts' },
    );
    const theirs = await serde.encode(id, facts);
    const decoded = await new RecordCodec(new HttpSchemaRegistry(server.url)).decode(theirs);
    expect(decoded.value).toMatchObject({ hostname: facts.hostname });
  });

  it('enforces BACKWARD per subject, answers /compatibility and per-subject config', async () => {
    const v1 = thing([{ name: 'a', type: 'string' }]);
    const v2ok = thing([
      { name: 'a', type: 'string' },
      { name: 'b', type: ['null', 'long'], default: null },
    ]);
    const v2bad = thing([
      { name: 'a', type: 'string' },
      { name: 'c', type: 'long' },
    ]);
    expect((await call('POST', '/subjects/s/versions', { schema: v1 })).body).toEqual({ id: 1 });
    expect((await call('POST', '/compatibility/subjects/s/versions/latest', { schema: v2ok })).body).toEqual({
      is_compatible: true,
    });
    expect((await call('POST', '/compatibility/subjects/s/versions/latest', { schema: v2bad })).body).toEqual(
      {
        is_compatible: false,
      },
    );
    const refused = await call('POST', '/subjects/s/versions', { schema: v2bad });
    expect(refused.status).toBe(409);
    expect(refused.body.error_code).toBe(409);
    expect((await call('GET', '/config/s')).status).toBe(404);
    expect((await call('PUT', '/config/s', { compatibility: 'NONE' })).body).toEqual({
      compatibility: 'NONE',
    });
    expect((await call('POST', '/subjects/s/versions', { schema: v2bad })).body).toEqual({ id: 2 });
    expect((await call('GET', '/subjects/s/versions')).body).toEqual([1, 2]);
    expect((await call('GET', '/subjects/s/versions/latest')).body).toMatchObject({ id: 2, version: 2 });
    expect((await call('POST', '/subjects/s', { schema: v1 })).body).toMatchObject({ id: 1, version: 1 });
    expect((await call('GET', '/config')).body).toEqual({ compatibilityLevel: 'BACKWARD' });
  });

  it('keeps ids, versions and config across a restart, ignoring a torn last line', async () => {
    const v1 = thing([{ name: 'a', type: 'string' }]);
    await call('POST', '/subjects/x/versions', { schema: v1 });
    await call('PUT', '/config/x', { compatibility: 'FULL' });
    await call('POST', '/subjects/y/versions', { schema: thing([{ name: 'z', type: 'int' }]) });
    await call('DELETE', '/subjects/y');
    await server.close();
    appendFileSync(path.join(dir.path, 'schemas.log'), '{"op":"register","subj');
    server = await startSchemaRegistry({ dataDir: dir.path });
    expect((await call('GET', '/subjects')).body).toEqual(['x']);
    expect((await call('GET', '/schemas/ids/1')).body).toEqual({ schema: JSON.stringify(JSON.parse(v1)) });
    expect((await call('GET', '/config/x')).body).toEqual({ compatibilityLevel: 'FULL' });
    const next = await call('POST', '/subjects/w/versions', {
      schema: thing([{ name: 'q', type: 'double' }]),
    });
    expect(next.body).toEqual({ id: 3 });
  });

  it('answers bad requests with Confluent error codes and keeps serving', async () => {
    expect((await call('GET', '/schemas/ids/77')).body).toMatchObject({ error_code: 40403 });
    expect((await call('GET', '/subjects/none/versions/1')).body).toMatchObject({ error_code: 40401 });
    expect((await call('POST', '/subjects/s/versions', '{not json')).status).toBe(400);
    expect((await call('POST', '/subjects/s/versions', { schema: '{"type":"bogus"}' })).body).toMatchObject({
      error_code: 42201,
    });
    expect((await call('POST', '/subjects/s/versions', { schema: 'nope' })).body).toMatchObject({
      error_code: 42201,
    });
    expect(
      (await call('POST', '/subjects/s/versions', { schema: '{}', schemaType: 'PROTOBUF' })).status,
    ).toBe(422);
    expect((await call('PATCH', '/subjects')).status).toBe(405);
    expect((await call('GET', '/')).status).toBe(200);
  });
});
