import { timingSafeEqual } from 'node:crypto';
import type { Actor } from '@nagare/contracts';
import {
  type CanActivate,
  createParamDecorator,
  type ExecutionContext,
  Inject,
  Injectable,
} from '@nestjs/common';
import { z } from 'zod';
import { CONFIG, type CommandServiceConfig } from '../config/config';
import { DomainError, type Role } from '../shared/decider';
import type { HandleOptions } from '../store/aggregate-store';

export interface Caller {
  actor: Actor;
  roles: Role[];
  options: HandleOptions;
}

const RoleList = z.array(z.enum(['viewer', 'operator', 'approver', 'admin', 'auditor']));
/** The part of a Fastify (or Express) request the guard reads. */
interface InternalRequest {
  headers: Record<string, string | string[] | undefined>;
  caller?: Caller;
}

const header = (req: InternalRequest, name: string): string | undefined => {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
};

/**
 * The command API is internal: only the gateway calls it. The gateway authenticates the user and
 * forwards who they are in headers, with the shared internal token that proves it is the gateway.
 */
@Injectable()
export class InternalAuthGuard implements CanActivate {
  private readonly token: Buffer;

  constructor(@Inject(CONFIG) config: CommandServiceConfig) {
    this.token = Buffer.from(config.internalToken);
  }

  canActivate(context: ExecutionContext): boolean {
    const req = context.switchToHttp().getRequest<InternalRequest>();
    const given = Buffer.from(header(req, 'x-nagare-internal-token') ?? '');
    if (given.length !== this.token.length || !timingSafeEqual(given, this.token)) {
      throw new DomainError('UNAUTHENTICATED', 'missing or wrong x-nagare-internal-token');
    }
    const id = header(req, 'x-nagare-actor-id');
    const kind = header(req, 'x-nagare-actor-kind') ?? 'USER';
    if (!id || (kind !== 'USER' && kind !== 'API_KEY')) {
      throw new DomainError('UNAUTHENTICATED', 'x-nagare-actor-id (and kind USER or API_KEY) required');
    }
    const roles = RoleList.safeParse((header(req, 'x-nagare-actor-roles') ?? '').split(',').filter(Boolean));
    if (!roles.success) throw new DomainError('UNAUTHENTICATED', 'x-nagare-actor-roles lists unknown roles');
    const key = header(req, 'idempotency-key');
    if (key !== undefined && (key.length < 1 || key.length > 200)) {
      throw new DomainError('INVALID_REQUEST', 'Idempotency-Key must be 1-200 characters');
    }
    const correlationId = header(req, 'x-correlation-id');
    req.caller = {
      actor: { kind, id, name: header(req, 'x-nagare-actor-name') ?? null },
      roles: roles.data,
      options: {
        ...(key !== undefined && { idempotencyKey: key }),
        ...(correlationId && correlationId.length <= 200 && { correlationId }),
      },
    };
    return true;
  }
}

export const CurrentCaller = createParamDecorator(
  (_: unknown, context: ExecutionContext): Caller =>
    context.switchToHttp().getRequest<{ caller: Caller }>().caller,
);

/** Route-level role check (the deciders and the policy check the finer rules). */
export function requireRole(caller: Caller, ...roles: Role[]): void {
  if (!roles.some((r) => caller.roles.includes(r))) {
    throw new DomainError('FORBIDDEN', `needs one of the roles ${roles.join(', ')}`);
  }
}

export function parseBody<T extends z.ZodType>(schema: T, body: unknown): z.output<T> {
  const r = schema.safeParse(body ?? {});
  if (!r.success) {
    throw new DomainError(
      'INVALID_REQUEST',
      r.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; '),
    );
  }
  return r.data;
}
