import { Controller, Delete, Get, HttpCode, Inject, Param, Patch, Post } from '@nestjs/common';
import { userView } from '../auth/auth.dto';
import { API } from '../common/api';
import { CurrentPrincipal, Doc, Roles, ValidBody } from '../common/decorators';
import type { Principal } from '../common/principal';
import { UuidPipe } from '../common/uuid.pipe';
import {
  type CreateUserRequest,
  createUserRequest,
  type ResetPasswordRequest,
  resetPasswordRequest,
  type UpdateUserRequest,
  updateUserRequest,
  userList,
} from './users.dto';
import { UsersService } from './users.service';

@Controller(`${API}/users`)
@Roles('admin')
export class UsersController {
  constructor(@Inject(UsersService) private readonly users: UsersService) {}

  @Get()
  @Doc({ summary: 'List users', response: userList })
  async list() {
    return { users: await this.users.list() };
  }

  @Post()
  @Doc({ summary: 'Create a user', response: userView, status: 201 })
  create(@CurrentPrincipal() actor: Principal, @ValidBody(createUserRequest) body: CreateUserRequest) {
    return this.users.create(actor, body);
  }

  @Get(':id')
  @Doc({ summary: 'One user', response: userView })
  get(@Param('id', UuidPipe) id: string) {
    return this.users.get(id);
  }

  @Patch(':id')
  @Doc({ summary: 'Change role and/or disable a user (never the last enabled admin)', response: userView })
  update(
    @CurrentPrincipal() actor: Principal,
    @Param('id', UuidPipe) id: string,
    @ValidBody(updateUserRequest) body: UpdateUserRequest,
  ) {
    return this.users.update(actor, id, body);
  }

  @Post(':id/password')
  @HttpCode(200)
  @Doc({ summary: 'Reset a password; the user must change it at next login', response: userView })
  resetPassword(
    @CurrentPrincipal() actor: Principal,
    @Param('id', UuidPipe) id: string,
    @ValidBody(resetPasswordRequest) body: ResetPasswordRequest,
  ) {
    return this.users.resetPassword(actor, id, body.password);
  }

  @Delete(':id')
  @HttpCode(204)
  @Doc({ summary: 'Delete a user', status: 204 })
  async remove(@CurrentPrincipal() actor: Principal, @Param('id', UuidPipe) id: string): Promise<void> {
    await this.users.remove(actor, id);
  }
}
