import { z } from 'zod';

export const createEnrollmentTokenRequest = z.strictObject({
  /** Lifetime in seconds (default ENROLLMENT_TOKEN_TTL_SECONDS, at most 30 days). */
  ttlSeconds: z
    .number()
    .int()
    .min(60)
    .max(30 * 86400)
    .optional(),
  /** Labels the enrolled host starts with (policy matches on them). */
  labels: z
    .record(z.string().regex(/^[a-z0-9]([a-z0-9._/-]{0,61}[a-z0-9])?$/), z.string().max(128))
    .optional(),
});

export const enrollmentTokenView = z.object({
  id: z.uuid(),
  labels: z.record(z.string(), z.string()),
  createdBy: z.uuid().nullable(),
  createdAt: z.iso.datetime(),
  expiresAt: z.iso.datetime(),
  usedAt: z.iso.datetime().nullable(),
  usedByAgent: z.uuid().nullable(),
  revokedAt: z.iso.datetime().nullable(),
  status: z.enum(['active', 'used', 'expired', 'revoked']),
});

/** The token appears in this response only; the server keeps its hash. */
export const createdEnrollmentToken = z.object({ token: z.string(), enrollmentToken: enrollmentTokenView });
export const enrollmentTokenList = z.object({ enrollmentTokens: z.array(enrollmentTokenView) });

export type CreateEnrollmentTokenRequest = z.infer<typeof createEnrollmentTokenRequest>;
export type EnrollmentTokenView = z.infer<typeof enrollmentTokenView>;
