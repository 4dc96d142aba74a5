import { Identity } from '@nagare/identity';
import { type Logger, SERVICE_LOGGER } from '@nagare/service-kit';
import { type CanActivate, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import type { AccessTokens } from '../auth/jwt';
import { ACCESS_TOKENS } from '../repositories/tokens';
import { ApiError } from './api-error';
import { ACCESS_KEY, type Access, ALLOW_PENDING_PASSWORD_KEY } from './decorators';
import type { AuthenticatedRequest, Principal } from './principal';

/**
 * Global guard on every route. A route without @Public()/@Roles() is refused (deny by
 * default), so forgetting the decorator can never open a route.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    @Inject(Identity) private readonly identity: Identity,
    @Inject(ACCESS_TOKENS) private readonly tokens: AccessTokens,
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
    const principal = await this.authenticate(request);
    request.principal = principal;

    if (
      principal.kind === 'user' &&
      principal.mustChangePassword &&
      !this.reflector.getAllAndOverride<boolean>(ALLOW_PENDING_PASSWORD_KEY, targets)
    ) {
      throw ApiError.forbidden('change your one-time password first', 'password_change_required');
    }
    if (!access.roles.includes(principal.role)) throw ApiError.forbidden();
    return true;
  }

  private async authenticate(request: FastifyRequest): Promise<Principal> {
    const authorization = request.headers.authorization;
    const headerKey = request.headers['x-api-key'];
    if (typeof headerKey === 'string' && headerKey.length > 0) return this.apiKey(headerKey);
    if (!authorization) throw ApiError.unauthenticated();
    const space = authorization.indexOf(' ');
    const scheme = space > 0 ? authorization.slice(0, space).toLowerCase() : '';
    const credential = space > 0 ? authorization.slice(space + 1).trim() : '';
    if (scheme === 'apikey') return this.apiKey(credential);
    if (scheme === 'bearer') return this.bearer(credential);
    throw ApiError.unauthenticated('unsupported authorization scheme (use Bearer or ApiKey)');
  }

  private async apiKey(key: string): Promise<Principal> {
    const apiKey = await this.identity.apiKeys.verify(key);
    if (!apiKey) throw ApiError.unauthenticated('invalid or revoked API key', 'invalid_api_key');
    return { kind: 'api_key', id: apiKey.id, name: apiKey.name, role: apiKey.role };
  }

  /**
   * The token's signature proves who and when; the database says whether that still holds:
   * user enabled, session not logged out, not revoked by reuse detection or a password
   * change (both revoke every session of the user). Role comes from the database, so a role change applies at once.
   */
  private async bearer(token: string): Promise<Principal> {
    const verified = this.tokens.verify(token);
    if (!verified.ok) {
      throw verified.reason === 'expired'
        ? ApiError.unauthenticated('access token expired', 'token_expired')
        : ApiError.unauthenticated('invalid access token', 'invalid_token');
    }
    const { claims } = verified;
    const [user, sessionActive] = await Promise.all([
      this.identity.users.findById(claims.sub),
      this.identity.refreshTokens.isFamilyActive(claims.sid, claims.sub),
    ]);
    if (!user || user.disabled)
      throw ApiError.unauthenticated('account disabled or removed', 'invalid_token');
    if (!sessionActive) throw ApiError.unauthenticated('session ended', 'session_revoked');
    return {
      kind: 'user',
      id: user.id,
      username: user.username,
      role: user.role,
      sessionId: claims.sid,
      tokenId: claims.jti,
      mustChangePassword: user.mustChangePassword,
    };
  }
}
