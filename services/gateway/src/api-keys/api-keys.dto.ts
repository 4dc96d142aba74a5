import { ROLES } from '@nagare/identity';
import { z } from 'zod';

export const createApiKeyRequest = z.strictObject({
  name: z.string().trim().min(1).max(100),
  role: z.enum(ROLES),
});

export const apiKeyView = z.object({
  id: z.uuid(),
  name: z.string(),
  prefix: z.string(),
  role: z.enum(ROLES),
  createdBy: z.uuid().nullable(),
  createdAt: z.iso.datetime(),
  lastUsedAt: z.iso.datetime().nullable(),
  revokedAt: z.iso.datetime().nullable(),
});

/** The full key appears in this response only; the server keeps its hash. */
export const createdApiKey = z.object({ key: z.string(), apiKey: apiKeyView });
export const apiKeyList = z.object({ apiKeys: z.array(apiKeyView) });

export type CreateApiKeyRequest = z.infer<typeof createApiKeyRequest>;
export type ApiKeyView = z.infer<typeof apiKeyView>;
