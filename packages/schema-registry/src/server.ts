import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type CompatibilityLevel, SchemaRegistryError } from '@nagare/contracts';
import { PersistentSchemaStore } from './registry-log';

const CONTENT_TYPE = 'application/vnd.schemaregistry.v1+json';
const LEVELS: CompatibilityLevel[] = [
  'NONE',
  'BACKWARD',
  'BACKWARD_TRANSITIVE',
  'FORWARD',
  'FORWARD_TRANSITIVE',
  'FULL',
  'FULL_TRANSITIVE',
];
const MAX_BODY_BYTES = 4 << 20;

export interface SchemaRegistryServerOptions {
  dataDir: string;
  port?: number;
  host?: string;
}

export interface RunningSchemaRegistry {
  url: string;
  port: number;
  store: PersistentSchemaStore;
  close(): Promise<void>;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly errorCode: number,
    message: string,
  ) {
    super(message);
  }
}

type Handler = (params: string[], body: Record<string, unknown>, query: URLSearchParams) => unknown;

/**
 * The Confluent Schema Registry REST API (the subset standard SerDes and Redpanda's clients
 * use: subjects, versions, ids, lookup, compatibility checks, global and per-subject config),
 * Avro only.
 */
export async function startSchemaRegistry(
  options: SchemaRegistryServerOptions,
): Promise<RunningSchemaRegistry> {
  const store = new PersistentSchemaStore(options.dataDir);
  const r = store.registry;

  const version = (v: string): number | 'latest' => {
    if (v === 'latest' || v === '-1') return 'latest';
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1)
      throw new HttpError(422, 42202, `The specified version '${v}' is not valid`);
    return n;
  };
  const schemaOf = (body: Record<string, unknown>): string => {
    if (body.schemaType !== undefined && body.schemaType !== 'AVRO') {
      throw new HttpError(422, 42201, `Unsupported schemaType ${String(body.schemaType)}: only AVRO`);
    }
    if (Array.isArray(body.references) && body.references.length > 0) {
      throw new HttpError(422, 42201, 'Schema references are not supported: register self-contained schemas');
    }
    if (typeof body.schema !== 'string')
      throw new HttpError(422, 42201, 'Invalid schema: "schema" must be a string');
    return body.schema;
  };
  const level = (body: Record<string, unknown>): CompatibilityLevel => {
    const l = String(body.compatibility ?? body.compatibilityLevel ?? '').toUpperCase() as CompatibilityLevel;
    if (!LEVELS.includes(l)) throw new HttpError(422, 42203, `Invalid compatibility level ${String(l)}`);
    return l;
  };

  const routes: [string, RegExp, Handler][] = [
    ['GET', /^\/$/, () => ({})],
    ['GET', /^\/schemas\/types$/, () => ['AVRO']],
    ['GET', /^\/subjects$/, () => r.subjects()],
    ['GET', /^\/schemas\/ids\/(\d+)$/, async ([id]) => ({ schema: await r.schemaById(Number(id)) })],
    ['GET', /^\/schemas\/ids\/(\d+)\/schema$/, async ([id]) => JSON.parse(await r.schemaById(Number(id)))],
    [
      'GET',
      /^\/schemas\/ids\/(\d+)\/versions$/,
      async ([id]) => {
        await r.schemaById(Number(id));
        return r.subjectsOfId(Number(id));
      },
    ],
    ['GET', /^\/subjects\/([^/]+)\/versions$/, ([s]) => r.versions(s!)],
    ['GET', /^\/subjects\/([^/]+)\/versions\/([^/]+)$/, ([s, v]) => r.version(s!, version(v!))],
    [
      'GET',
      /^\/subjects\/([^/]+)\/versions\/([^/]+)\/schema$/,
      ([s, v]) => JSON.parse(r.version(s!, version(v!)).schema),
    ],
    [
      'POST',
      /^\/subjects\/([^/]+)\/versions$/,
      ([s], body) => ({ id: store.register(s!, schemaOf(body)).id }),
    ],
    ['POST', /^\/subjects\/([^/]+)$/, ([s], body) => r.lookup(s!, schemaOf(body))],
    ['DELETE', /^\/subjects\/([^/]+)$/, ([s]) => store.deleteSubject(s!)],
    [
      'DELETE',
      /^\/subjects\/([^/]+)\/versions\/([^/]+)$/,
      ([s, v]) => store.deleteSubject(s!, version(v!))[0],
    ],
    [
      'POST',
      /^\/compatibility\/subjects\/([^/]+)\/versions(?:\/([^/]+))?$/,
      ([s, v], body, query) => {
        const schema = schemaOf(body);
        if (!r.subjects().includes(s!)) {
          if (v === undefined) return { is_compatible: true };
          throw new HttpError(404, 40401, `Subject '${s}' not found.`);
        }
        const target = v === undefined ? 'latest' : version(v);
        if (target !== 'latest') r.version(s!, target);
        const errors = r.compatibilityErrorsFor(s!, schema, target);
        return query.get('verbose') === 'true'
          ? { is_compatible: errors.length === 0, messages: errors }
          : { is_compatible: errors.length === 0 };
      },
    ],
    ['GET', /^\/config$/, () => ({ compatibilityLevel: r.compatibilityOf() })],
    [
      'PUT',
      /^\/config$/,
      (_p, body) => {
        const l = level(body);
        store.setCompatibility(l);
        return { compatibility: l };
      },
    ],
    [
      'GET',
      /^\/config\/([^/]+)$/,
      ([s], _b, query) => {
        const own = r.subjectCompatibility(s!);
        if (own) return { compatibilityLevel: own };
        if (query.get('defaultToGlobal') === 'true') return { compatibilityLevel: r.compatibilityOf() };
        throw new HttpError(
          404,
          40408,
          `Subject '${s}' does not have subject-level compatibility configured`,
        );
      },
    ],
    [
      'PUT',
      /^\/config\/([^/]+)$/,
      ([s], body) => {
        const l = level(body);
        store.setCompatibility(l, s);
        return { compatibility: l };
      },
    ],
  ];

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((err) => send(res, 500, { error_code: 50001, message: String(err) }));
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://registry');
    const pathname = url.pathname.replace(/\/+$/, '') || '/';
    try {
      const matching = routes.filter(([, re]) => re.test(pathname));
      if (matching.length === 0) throw new HttpError(404, 404, `No route for ${pathname}`);
      const route = matching.find(([m]) => m === req.method);
      if (!route) throw new HttpError(405, 405, `Method ${req.method} not allowed on ${pathname}`);
      const params = (route[1].exec(pathname) ?? [])
        .slice(1)
        .map((p) => (p === undefined ? p : decodeURIComponent(p)));
      const body = req.method === 'POST' || req.method === 'PUT' ? await readJson(req) : {};
      send(res, 200, await route[2](params as string[], body, url.searchParams));
    } catch (err) {
      if (err instanceof HttpError || err instanceof SchemaRegistryError) {
        const status = err.status;
        send(res, status, { error_code: err.errorCode, message: err.message });
      } else {
        throw err;
      }
    }
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://${options.host ?? '127.0.0.1'}:${port}`,
    port,
    store,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': CONTENT_TYPE, 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new HttpError(413, 41301, `Request body over ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk as Buffer);
  }
  if (size === 0) return {};
  try {
    const parsed = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not an object');
    return parsed as Record<string, unknown>;
  } catch (err) {
    throw new HttpError(400, 400, `Unrecognized request body: ${(err as Error).message}`);
  }
}
