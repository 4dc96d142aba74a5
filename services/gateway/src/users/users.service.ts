import { Identity } from '@nagare/identity';
import { type Logger, SERVICE_LOGGER } from '@nagare/service-kit';
import { Inject, Injectable } from '@nestjs/common';
import type { UserView } from '../auth/auth.dto';
import { ApiError } from '../common/api-error';
import type { Principal } from '../common/principal';
import { toUserView } from './user-view';
import type { CreateUserRequest, UpdateUserRequest } from './users.dto';

@Injectable()
export class UsersService {
  constructor(
    @Inject(Identity) private readonly identity: Identity,
    @Inject(SERVICE_LOGGER) private readonly logger: Logger,
  ) {}

  async list(): Promise<UserView[]> {
    return (await this.identity.users.list()).map(toUserView);
  }

  async get(id: string): Promise<UserView> {
    const user = await this.identity.users.findById(id);
    if (!user) throw ApiError.notFound('user not found');
    return toUserView(user);
  }

  async create(actor: Principal, input: CreateUserRequest): Promise<UserView> {
    const user = await this.identity.users.create(input);
    this.logger.info({ actor: actor.id, userId: user.id, role: user.role }, 'user created');
    return toUserView(user);
  }

  /** Role and disabled changes apply to live sessions at once; disabling also ends them. */
  async update(actor: Principal, id: string, patch: UpdateUserRequest): Promise<UserView> {
    const user = await this.identity.users.update(id, patch);
    if (patch.disabled) await this.identity.refreshTokens.revokeAllForUser(id, 'user_disabled');
    this.logger.info({ actor: actor.id, userId: id, ...patch }, 'user updated');
    return toUserView(user);
  }

  /** Admin reset: the user must choose a new password at next login; sessions end. */
  async resetPassword(actor: Principal, id: string, password: string): Promise<UserView> {
    const user = await this.identity.users.setPassword(id, password, { mustChange: true });
    this.logger.info({ actor: actor.id, userId: id }, 'password reset by admin');
    return toUserView(user);
  }

  async remove(actor: Principal, id: string): Promise<void> {
    if (actor.kind === 'user' && actor.id === id) {
      throw ApiError.conflict('cannot_delete_self', 'you cannot delete your own account');
    }
    await this.identity.users.delete(id);
    this.logger.info({ actor: actor.id, userId: id }, 'user deleted');
  }
}
