import type { User } from '@nagare/identity';
import type { UserView } from '../auth/auth.dto';

export const toUserView = (u: User): UserView => ({
  id: u.id,
  username: u.username,
  role: u.role,
  disabled: u.disabled,
  mustChangePassword: u.mustChangePassword,
  createdAt: u.createdAt.toISOString(),
  updatedAt: u.updatedAt.toISOString(),
});
