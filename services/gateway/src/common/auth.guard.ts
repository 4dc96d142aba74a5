import { type Logger, SERVICE_CONFIG, SERVICE_LOGGER } from '@nagare/service-kit';
import { type CanActivate, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import type { GatewayConfig } from '../config';
import type { SlidingWindowLimiter } from '../repositories/rate-limit.repository';
import { RATE_LIMITER } from '../repositories/tokens';
import { ApiError } from './api-error';
import { Authenticator } from './authenticator';
import { ACCESS_KEY, type Access, ALLOW_PENDING_PASSWORD_KEY } from './decorators';
import type { AuthenticatedRequest } from './principal';

/**
 * Global guard on every route. A route without @Public()/@Roles() is refused (deny by
 * default), so forgetting the decorator can never open a route.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    @Inject(Authenticator) private readonly authenticator: Authenticator,
    @Inject(RATE_LIMITER) private readonly limiter: SlidingWindowLimiter,
    @Inject(SERVICE_CONFIG) private readonly config: GatewayConfig,
    @Inject(SERVICE_LOGGER) private readonly logger: Logger,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const targets = [ctx.getHandler(), ctx.getClass()];
    const access = this.reflector.getAllAndOverride<Access | undefined>(ACCESS_KEY, targets);
    if (!access) {
      this.logger.error(
        { controller: ctx.getClass().name, handler: ctx.getHandler().name },
        'route has no @Public()/@Roles() declaration: denied',
      );
      throw ApiError.forbidden('route has no access declaration', 'route_not_declared');
    }
    if ('public' in access) return true;

    const request = ctx.switchToHttp().getRequest<FastifyRequest & AuthenticatedRequest>();
    const principal = await this.authenticator.fromHeaders(request.headers);
    request.principal = principal;

    if (
      principal.kind === 'user' &&
      principal.mustChangePassword &&
      !this.reflector.getAllAndOverride<boolean>(ALLOW_PENDING_PASSWORD_KEY, targets)
    ) {
      throw ApiError.forbidden('change your one-time password first', 'password_change_required');
    }
    if (!access.roles.includes(principal.role)) throw ApiError.forbidden();
    const limit = await this.limiter.hit(
      `api:${principal.kind}:${principal.id}`,
      this.config.API_LIMIT_PER_USER,
      this.config.API_LIMIT_WINDOW_SECONDS * 1000,
    );
    if (!limit.allowed) {
      const retryAfter = Math.max(1, Math.ceil(limit.retryAfterMs / 1000));
      throw new ApiError(
        429,
        'rate_limited',
        'too many requests; try again later',
        { retryAfterSeconds: retryAfter },
        {
          'retry-after': String(retryAfter),
        },
      );
    }
    return true;
  }
}
