import { Identity, type IssuedRefreshToken, type User } from '@nagare/identity';
import { type Logger, SERVICE_CONFIG, SERVICE_LOGGER } from '@nagare/service-kit';
import { Inject, Injectable } from '@nestjs/common';
import { ApiError } from '../common/api-error';
import type { Principal } from '../common/principal';
import type { GatewayConfig } from '../config';
import type { SlidingWindowLimiter } from '../repositories/rate-limit.repository';
import { ACCESS_TOKENS, RATE_LIMITER } from '../repositories/tokens';
import { toUserView } from '../users/user-view';
import type { LoginRequest, PasswordChangeRequest, TokenPair } from './auth.dto';
import type { AccessTokens } from './jwt';

@Injectable()
export class AuthService {
  constructor(
    @Inject(Identity) private readonly identity: Identity,
    @Inject(ACCESS_TOKENS) private readonly tokens: AccessTokens,
    @Inject(RATE_LIMITER) private readonly limiter: SlidingWindowLimiter,
    @Inject(SERVICE_CONFIG) private readonly config: GatewayConfig,
    @Inject(SERVICE_LOGGER) private readonly logger: Logger,
  ) {}

  /**
   * Every attempt counts against a sliding window per client IP and per username, checked
   * before the password, so guessing is bounded whether it targets one account or many.
   */
  async login(input: LoginRequest, ip: string): Promise<TokenPair> {
    const windowMs = this.config.LOGIN_LIMIT_WINDOW_SECONDS * 1000;
    const username = input.username.trim().toLowerCase();
    const byIp = await this.limiter.hit(`login:ip:${ip}`, this.config.LOGIN_LIMIT_PER_IP, windowMs);
    const byUser = byIp.allowed
      ? await this.limiter.hit(`login:user:${username}`, this.config.LOGIN_LIMIT_PER_USER, windowMs)
      : byIp;
    if (!byIp.allowed || !byUser.allowed) {
      const retryAfter = Math.max(1, Math.ceil(Math.max(byIp.retryAfterMs, byUser.retryAfterMs) / 1000));
      this.logger.warn({ ip, username, scope: byIp.allowed ? 'user' : 'ip' }, 'login rate limited');
      throw new ApiError(
        429,
        'rate_limited',
        'too many login attempts; try again later',
        { retryAfterSeconds: retryAfter },
        {
          'retry-after': String(retryAfter),
        },
      );
    }
    const result = await this.identity.users.verifyLogin(username, input.password);
    if (!result.ok) {
      this.logger.info({ ip, username, reason: result.reason }, 'login refused');
      // Same answer for unknown user, wrong password and disabled account: no account probing.
      throw ApiError.unauthenticated('invalid username or password', 'invalid_credentials');
    }
    this.logger.info({ ip, userId: result.user.id }, 'login');
    return this.issue(result.user, await this.identity.refreshTokens.issue(result.user.id));
  }

  async refresh(refreshToken: string, ip: string): Promise<TokenPair> {
    const rotated = await this.identity.refreshTokens.rotate(refreshToken);
    if (!rotated.ok) {
      if (rotated.reason === 'reused') {
        this.logger.warn({ ip }, 'refresh token reuse detected: session revoked');
      }
      throw ApiError.unauthenticated(
        rotated.reason === 'expired' ? 'refresh token expired' : 'refresh token is not valid',
        rotated.reason === 'reused' ? 'refresh_token_reused' : 'invalid_refresh_token',
      );
    }
    const user = await this.identity.users.findById(rotated.issued.userId);
    if (!user || user.disabled)
      throw ApiError.unauthenticated('account disabled or removed', 'invalid_refresh_token');
    return this.issue(user, rotated.issued);
  }

  /** Ends the session the refresh token belongs to; unknown tokens are a no-op (idempotent). */
  async logout(refreshToken: string): Promise<void> {
    await this.identity.refreshTokens.revoke(refreshToken);
  }

  /** Verifies the current password, sets the new one (ending every session), starts a new session. */
  async changePassword(principal: Principal, input: PasswordChangeRequest): Promise<TokenPair> {
    if (principal.kind !== 'user') throw ApiError.forbidden('API keys have no password', 'forbidden');
    const check = await this.identity.users.verifyLogin(principal.username, input.currentPassword);
    if (!check.ok) throw ApiError.unauthenticated('current password is wrong', 'invalid_credentials');
    if (input.currentPassword === input.newPassword) {
      throw ApiError.badRequest('weak_password', 'the new password must differ from the current one');
    }
    const user = await this.identity.users.setPassword(principal.id, input.newPassword);
    return this.issue(user, await this.identity.refreshTokens.issue(user.id));
  }

  private issue(user: User, refresh: IssuedRefreshToken): TokenPair {
    const { token } = this.tokens.sign({ sub: user.id, role: user.role, sid: refresh.familyId });
    return {
      tokenType: 'Bearer',
      accessToken: token,
      expiresIn: this.tokens.ttlSeconds,
      refreshToken: refresh.token,
      refreshExpiresAt: refresh.expiresAt.toISOString(),
      user: toUserView(user),
    };
  }
}
