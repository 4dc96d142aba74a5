import { Controller, Delete, Get, Inject, Param, Post } from '@nestjs/common';
import { API } from '../common/api';
import { CurrentPrincipal, Doc, Roles, ValidBody } from '../common/decorators';
import type { Principal } from '../common/principal';
import { UuidPipe } from '../common/uuid.pipe';
import {
  apiKeyList,
  apiKeyView,
  type CreateApiKeyRequest,
  createApiKeyRequest,
  createdApiKey,
} from './api-keys.dto';
import { ApiKeysService } from './api-keys.service';

@Controller(`${API}/api-keys`)
@Roles('admin')
export class ApiKeysController {
  constructor(@Inject(ApiKeysService) private readonly apiKeys: ApiKeysService) {}

  @Get()
  @Doc({ summary: 'List API keys (never the secrets)', response: apiKeyList })
  async list() {
    return { apiKeys: await this.apiKeys.list() };
  }

  @Post()
  @Doc({ summary: 'Create an API key; the key is returned once', response: createdApiKey, status: 201 })
  create(@CurrentPrincipal() actor: Principal, @ValidBody(createApiKeyRequest) body: CreateApiKeyRequest) {
    return this.apiKeys.create(actor, body);
  }

  @Delete(':id')
  @Doc({ summary: 'Revoke an API key', response: apiKeyView })
  revoke(@CurrentPrincipal() actor: Principal, @Param('id', UuidPipe) id: string) {
    return this.apiKeys.revoke(actor, id);
  }
}
