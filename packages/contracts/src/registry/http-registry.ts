import { type RegisteredSchema, type SchemaRegistry, SchemaRegistryError } from './schema-registry';

const CONTENT_TYPE = 'application/vnd.schemaregistry.v1+json';

export interface HttpSchemaRegistryOptions {
  /** Basic auth, as Redpanda and Confluent Cloud use it. */
  username?: string;
  password?: string;
  timeoutMs?: number;
}

/** The Confluent Schema Registry REST API (works against Redpanda's registry and Nagare's broker). */
export class HttpSchemaRegistry implements SchemaRegistry {
  private readonly base: string;

  constructor(
    baseUrl: string,
    private readonly options: HttpSchemaRegistryOptions = {},
  ) {
    this.base = baseUrl.replace(/\/+$/, '');
  }

  async register(subject: string, schema: string): Promise<number> {
    const res = await this.call<{ id: number }>('POST', `/subjects/${encodeURIComponent(subject)}/versions`, {
      schema,
    });
    return res.id;
  }

  async schemaById(id: number): Promise<string> {
    return (await this.call<{ schema: string }>('GET', `/schemas/ids/${id}`)).schema;
  }

  async latest(subject: string): Promise<RegisteredSchema> {
    return this.call<RegisteredSchema>('GET', `/subjects/${encodeURIComponent(subject)}/versions/latest`);
  }

  async isCompatible(subject: string, schema: string): Promise<boolean> {
    try {
      const res = await this.call<{ is_compatible: boolean }>(
        'POST',
        `/compatibility/subjects/${encodeURIComponent(subject)}/versions/latest`,
        { schema },
      );
      return res.is_compatible;
    } catch (err) {
      // A subject with no versions accepts anything (Confluent answers 404 / 40401).
      if (err instanceof SchemaRegistryError && err.errorCode === 40401) return true;
      throw err;
    }
  }

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { accept: CONTENT_TYPE };
    if (body !== undefined) headers['content-type'] = CONTENT_TYPE;
    if (this.options.username !== undefined) {
      headers.authorization = `Basic ${Buffer.from(`${this.options.username}:${this.options.password ?? ''}`).toString('base64')}`;
    }
    const res = await fetch(`${this.base}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(this.options.timeoutMs ?? 10_000),
    });
    const text = await res.text();
    const json = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    if (!res.ok) {
      throw new SchemaRegistryError(
        `schema registry ${method} ${path}: ${res.status} ${String(json.message ?? text)}`,
        res.status,
        Number(json.error_code ?? res.status),
      );
    }
    return json as T;
  }
}
