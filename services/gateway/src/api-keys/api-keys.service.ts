import { type ApiKey, Identity } from '@nagare/identity';
import { type Logger, SERVICE_LOGGER } from '@nagare/service-kit';
import { Inject, Injectable } from '@nestjs/common';
import type { Principal } from '../common/principal';
import type { ApiKeyView, CreateApiKeyRequest } from './api-keys.dto';

const toView = (k: ApiKey): ApiKeyView => ({
  id: k.id,
  name: k.name,
  prefix: k.prefix,
  role: k.role,
  createdBy: k.createdBy,
  createdAt: k.createdAt.toISOString(),
  lastUsedAt: k.lastUsedAt?.toISOString() ?? null,
  revokedAt: k.revokedAt?.toISOString() ?? null,
});

@Injectable()
export class ApiKeysService {
  constructor(
    @Inject(Identity) private readonly identity: Identity,
    @Inject(SERVICE_LOGGER) private readonly logger: Logger,
  ) {}

  async list(): Promise<ApiKeyView[]> {
    return (await this.identity.apiKeys.list()).map(toView);
  }

  async create(actor: Principal, input: CreateApiKeyRequest): Promise<{ key: string; apiKey: ApiKeyView }> {
    const createdBy = actor.kind === 'user' ? actor.id : undefined;
    const { key, apiKey } = await this.identity.apiKeys.create({
      name: input.name,
      role: input.role,
      createdBy,
    });
    this.logger.info({ actor: actor.id, apiKeyId: apiKey.id, role: apiKey.role }, 'api key created');
    return { key, apiKey: toView(apiKey) };
  }

  async revoke(actor: Principal, id: string): Promise<ApiKeyView> {
    const apiKey = await this.identity.apiKeys.revoke(id);
    this.logger.info({ actor: actor.id, apiKeyId: id }, 'api key revoked');
    return toView(apiKey);
  }
}
