import { ROLES, type Role } from '@nagare/identity';
import {
  Body,
  type CustomDecorator,
  createParamDecorator,
  type ExecutionContext,
  Headers,
  Query,
  SetMetadata,
} from '@nestjs/common';
import type { z } from 'zod';
import type { AuthenticatedRequest, Principal } from './principal';
import { ZodValidationPipe } from './zod.pipe';

export const ACCESS_KEY = 'nagare:access';
export const ALLOW_PENDING_PASSWORD_KEY = 'nagare:allow-pending-password';
export const BODY_SCHEMA_KEY = 'nagare:body-schema';
export const DOC_KEY = 'nagare:doc';

/** Who may call a route. Every route declares one; the guard denies routes that do not. */
export type Access = { public: true } | { roles: readonly Role[] };

export const Public = (): CustomDecorator => SetMetadata(ACCESS_KEY, { public: true } satisfies Access);

export const Roles = (...roles: Role[]): CustomDecorator => {
  if (roles.length === 0) throw new Error('@Roles() needs at least one role; use @Public() for open routes');
  return SetMetadata(ACCESS_KEY, { roles } satisfies Access);
};

/** Any signed-in principal, whatever the role. */
export const Authenticated = (): CustomDecorator => Roles(...ROLES);

/** Reachable while the user still has to replace a one-time password (me, password, logout). */
export const AllowPendingPasswordChange = (): CustomDecorator =>
  SetMetadata(ALLOW_PENDING_PASSWORD_KEY, true);

export interface RouteDoc {
  summary: string;
  /** zod schema of the success body, for the OpenAPI document. */
  response?: z.ZodType;
  status?: number;
}
export const Doc = (doc: RouteDoc): CustomDecorator => SetMetadata(DOC_KEY, doc);

/** The request body validated with a zod schema (400 validation_failed otherwise); also documents it. */
export const ValidBody =
  (schema: z.ZodType): ParameterDecorator =>
  (target, key, index) => {
    if (key !== undefined) {
      const method = (target as Record<string | symbol, unknown>)[key] as object;
      Reflect.defineMetadata(BODY_SCHEMA_KEY, schema, method);
    }
    Body(new ZodValidationPipe(schema))(target, key, index);
  };

export const CurrentPrincipal = createParamDecorator((_data: unknown, ctx: ExecutionContext): Principal => {
  const principal = ctx.switchToHttp().getRequest<AuthenticatedRequest>().principal;
  // The guard sets it on every non-public route; reaching here without one is a wiring bug.
  if (!principal) throw new Error('CurrentPrincipal used on a route without authentication');
  return principal;
});

/** The query string validated with a zod schema (400 validation_failed otherwise). */
export const ValidQuery = (schema: z.ZodType): ParameterDecorator =>
  Query(new ZodValidationPipe(schema, 'query'));

/** The Idempotency-Key header, passed through to the command service. */
export const IdempotencyKey = (): ParameterDecorator => Headers('idempotency-key');
