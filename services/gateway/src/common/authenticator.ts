import type { IncomingHttpHeaders } from 'node:http';
import { Identity } from '@nagare/identity';
import { SERVICE_CONFIG } from '@nagare/service-kit';
import { Inject, Injectable } from '@nestjs/common';
import type { AccessTokens } from '../auth/jwt';
import type { GatewayConfig } from '../config';
import { ACCESS_TOKENS } from '../repositories/tokens';
import { ApiError } from './api-error';
import type { Principal } from './principal';

/**
 * Who is calling, from an access token or an API key: shared by the HTTP guard and the
 * Socket.IO handshake so both apply the same checks (signature, expiry, session, account).
 */
@Injectable()
export class Authenticator {
  constructor(
    @Inject(Identity) private readonly identity: Identity,
    @Inject(ACCESS_TOKENS) private readonly tokens: AccessTokens,
    @Inject(SERVICE_CONFIG) config: GatewayConfig,
  ) {
    this.cacheMs = config.AUTH_CACHE_MS;
  }

  /**
   * Verified bearer tokens for AUTH_CACHE_MS (default 1 s): a dashboard fires several calls
   * per view, and each would otherwise cost two identity queries. A logout, password change
   * or disabled account takes effect within that time; the token's own expiry is checked
   * when cached (the cache never outlives exp by more than AUTH_CACHE_MS).
   */
  private readonly recent = new Map<string, { principal: Principal; until: number }>();
  private readonly cacheMs: number;

  /** The caller of an HTTP request: `Authorization: Bearer|ApiKey …` or `X-Api-Key`. */
  async fromHeaders(headers: IncomingHttpHeaders): Promise<Principal> {
    const authorization = headers.authorization;
    const headerKey = headers['x-api-key'];
    if (typeof headerKey === 'string' && headerKey.length > 0) return this.apiKey(headerKey);
    if (!authorization) throw ApiError.unauthenticated();
    const space = authorization.indexOf(' ');
    const scheme = space > 0 ? authorization.slice(0, space).toLowerCase() : '';
    const credential = space > 0 ? authorization.slice(space + 1).trim() : '';
    if (scheme === 'apikey') return this.apiKey(credential);
    if (scheme === 'bearer') return this.bearer(credential);
    throw ApiError.unauthenticated('unsupported authorization scheme (use Bearer or ApiKey)');
  }

  async apiKey(key: string): Promise<Principal> {
    const apiKey = await this.identity.apiKeys.verify(key);
    if (!apiKey) throw ApiError.unauthenticated('invalid or revoked API key', 'invalid_api_key');
    return { kind: 'api_key', id: apiKey.id, name: apiKey.name, role: apiKey.role };
  }

  /**
   * The token's signature proves who and when; the database says whether that still holds:
   * user enabled, session not logged out, not revoked by reuse detection or a password
   * change (both revoke every session of the user). Role comes from the database, so a role change applies at once.
   */
  async bearer(token: string): Promise<Principal> {
    // Signature and expiry on every call; only the database part is reused.
    if (!this.tokens.verify(token).ok) return this.bearerUncached(token);
    const cached = this.recent.get(token);
    if (cached && cached.until > Date.now()) return cached.principal;
    const principal = await this.bearerUncached(token);
    if (this.cacheMs > 0) {
      if (this.recent.size >= 10_000) this.recent.clear();
      this.recent.set(token, { principal, until: Date.now() + this.cacheMs });
    }
    return principal;
  }

  private async bearerUncached(token: string): Promise<Principal> {
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
