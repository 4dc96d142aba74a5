import { z } from 'zod';
import type { RouteInfo } from '../common/route-catalog';

const errorSchema = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: {
        code: { type: 'string', description: 'stable machine-readable code, e.g. validation_failed' },
        message: { type: 'string' },
        details: { description: 'code-specific, e.g. the list of invalid fields' },
      },
    },
  },
};

const errorResponse = (description: string) => ({
  description,
  content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
});

const jsonSchema = (schema: z.ZodType, io: 'input' | 'output') => {
  const { $schema: _drop, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Record<
    string,
    unknown
  >;
  return rest;
};

/** OpenAPI 3.1 built from the routes Nest registered and their zod schemas (one source of truth). */
export function buildOpenApi(routes: RouteInfo[], version: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const path = route.path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
    const params = [...route.path.matchAll(/:([A-Za-z0-9_]+)/g)].map((m) => ({
      name: m[1],
      in: 'path',
      required: true,
      schema: { type: 'string', format: 'uuid' },
    }));
    const isPublic = route.access !== undefined && 'public' in route.access;
    const roles = route.access && 'roles' in route.access ? [...route.access.roles] : [];
    const status = route.doc?.status ?? route.httpCode ?? (route.method === 'POST' ? 201 : 200);
    const responses: Record<string, unknown> = {
      [String(status)]: route.doc?.response
        ? {
            description: 'success',
            content: { 'application/json': { schema: jsonSchema(route.doc.response, 'output') } },
          }
        : { description: 'success' },
    };
    if (route.body) responses['400'] = errorResponse('validation_failed or malformed_json');
    if (!isPublic) {
      responses['401'] = errorResponse('unauthenticated, invalid_token, token_expired, session_revoked');
      responses['403'] = errorResponse('forbidden (role), password_change_required');
    }
    if (params.length > 0) responses['404'] = errorResponse('not_found');
    if (route.path.endsWith('/auth/login'))
      responses['429'] = errorResponse('rate_limited (see Retry-After)');
    const operation: Record<string, unknown> = {
      operationId: `${route.controller.replace(/Controller$/, '')}.${route.handler}`,
      summary: route.doc?.summary ?? route.handler,
      tags: [route.controller.replace(/Controller$/, '')],
      security: isPublic ? [] : [{ bearer: [] }, { apiKey: [] }, { apiKeyHeader: [] }],
      'x-nagare-roles': isPublic ? 'public' : roles,
      responses,
    };
    if (params.length > 0) operation.parameters = params;
    if (route.body) {
      operation.requestBody = {
        required: true,
        content: { 'application/json': { schema: jsonSchema(route.body, 'input') } },
      };
    }
    paths[path] ??= {};
    (paths[path] as Record<string, unknown>)[route.method.toLowerCase()] = operation;
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Nagare gateway API',
      version,
      description: 'Errors always have the shape { error: { code, message, details? } }.',
    },
    paths,
    components: {
      schemas: { Error: errorSchema },
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
        apiKey: { type: 'apiKey', in: 'header', name: 'Authorization', description: 'ApiKey <key>' },
        apiKeyHeader: { type: 'apiKey', in: 'header', name: 'X-Api-Key' },
      },
    },
  };
}
