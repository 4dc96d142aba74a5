import { Identity } from '@nagare/identity';
import { Controller, Get, HttpCode, Inject, Ip, Post } from '@nestjs/common';
import { API } from '../common/api';
import { ApiError } from '../common/api-error';
import {
  AllowPendingPasswordChange,
  Authenticated,
  CurrentPrincipal,
  Doc,
  Public,
  ValidBody,
} from '../common/decorators';
import type { Principal } from '../common/principal';
import { toUserView } from '../users/user-view';
import {
  type LoginRequest,
  loginRequest,
  meView,
  type PasswordChangeRequest,
  passwordChangeRequest,
  type RefreshRequest,
  refreshRequest,
  tokenPair,
} from './auth.dto';
import { AuthService } from './auth.service';

@Controller(`${API}/auth`)
export class AuthController {
  constructor(
    @Inject(AuthService) private readonly auth: AuthService,
    @Inject(Identity) private readonly identity: Identity,
  ) {}

  @Post('login')
  @HttpCode(200)
  @Public()
  @Doc({
    summary: 'Exchange username and password for an access token and a refresh token',
    response: tokenPair,
  })
  login(@ValidBody(loginRequest) body: LoginRequest, @Ip() ip: string) {
    return this.auth.login(body, ip);
  }

  @Post('refresh')
  @HttpCode(200)
  @Public()
  @Doc({ summary: 'Rotate a refresh token; reusing a rotated token ends the session', response: tokenPair })
  refresh(@ValidBody(refreshRequest) body: RefreshRequest, @Ip() ip: string) {
    return this.auth.refresh(body.refreshToken, ip);
  }

  @Post('logout')
  @HttpCode(204)
  @Public()
  @Doc({ summary: 'End the session of a refresh token (idempotent)', status: 204 })
  async logout(@ValidBody(refreshRequest) body: RefreshRequest): Promise<void> {
    await this.auth.logout(body.refreshToken);
  }

  @Get('me')
  @Authenticated()
  @AllowPendingPasswordChange()
  @Doc({ summary: 'The calling user or API key', response: meView })
  async me(@CurrentPrincipal() principal: Principal) {
    if (principal.kind === 'api_key') {
      return { kind: 'api_key', apiKey: { id: principal.id, name: principal.name, role: principal.role } };
    }
    const user = await this.identity.users.findById(principal.id);
    if (!user) throw ApiError.unauthenticated();
    return { kind: 'user', user: toUserView(user), sessionId: principal.sessionId };
  }

  @Post('password')
  @HttpCode(200)
  @Authenticated()
  @AllowPendingPasswordChange()
  @Doc({
    summary: 'Change your password; ends every session and returns a new token pair',
    response: tokenPair,
  })
  changePassword(
    @CurrentPrincipal() principal: Principal,
    @ValidBody(passwordChangeRequest) body: PasswordChangeRequest,
  ) {
    return this.auth.changePassword(principal, body);
  }
}
