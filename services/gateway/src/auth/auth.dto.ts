import { ROLES } from '@nagare/identity';
import { z } from 'zod';

export const loginRequest = z.strictObject({
  username: z.string().min(1).max(64),
  password: z.string().min(1).max(1024),
});

export const refreshRequest = z.strictObject({ refreshToken: z.string().min(1).max(512) });

export const passwordChangeRequest = z.strictObject({
  currentPassword: z.string().min(1).max(1024),
  newPassword: z.string().min(12).max(1024),
});

export const userView = z.object({
  id: z.uuid(),
  username: z.string(),
  role: z.enum(ROLES),
  disabled: z.boolean(),
  mustChangePassword: z.boolean(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});

export const tokenPair = z.object({
  tokenType: z.literal('Bearer'),
  accessToken: z.string(),
  /** Seconds until the access token expires. */
  expiresIn: z.number().int(),
  refreshToken: z.string(),
  refreshExpiresAt: z.iso.datetime(),
  user: userView,
});

export const meView = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('user'),
    user: userView,
    sessionId: z.uuid(),
  }),
  z.object({
    kind: z.literal('api_key'),
    apiKey: z.object({ id: z.uuid(), name: z.string(), role: z.enum(ROLES) }),
  }),
]);

export type LoginRequest = z.infer<typeof loginRequest>;
export type RefreshRequest = z.infer<typeof refreshRequest>;
export type PasswordChangeRequest = z.infer<typeof passwordChangeRequest>;
export type TokenPair = z.infer<typeof tokenPair>;
export type UserView = z.infer<typeof userView>;
