import { ROLES } from '@nagare/identity';
import { z } from 'zod';
import { userView } from '../auth/auth.dto';

export const createUserRequest = z.strictObject({
  username: z.string().min(2).max(64),
  /** Initial password; the user must change it at first login unless mustChangePassword is false. */
  password: z.string().min(12).max(1024),
  role: z.enum(ROLES),
  mustChangePassword: z.boolean().default(true),
});

export const updateUserRequest = z
  .strictObject({ role: z.enum(ROLES).optional(), disabled: z.boolean().optional() })
  .refine((v) => v.role !== undefined || v.disabled !== undefined, 'give role and/or disabled');

export const resetPasswordRequest = z.strictObject({ password: z.string().min(12).max(1024) });

export const userList = z.object({ users: z.array(userView) });

export type CreateUserRequest = z.infer<typeof createUserRequest>;
export type UpdateUserRequest = z.infer<typeof updateUserRequest>;
export type ResetPasswordRequest = z.infer<typeof resetPasswordRequest>;
