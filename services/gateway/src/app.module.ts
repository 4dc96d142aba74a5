import { Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { AgentsModule } from './agents/agents.module';
import { ApiKeysModule } from './api-keys/api-keys.module';
import { AuthModule } from './auth/auth.module';
import { AuthGuard } from './common/auth.guard';
import { ErrorFilter } from './common/error.filter';
import { OpenApiModule } from './openapi/openapi.module';
import { RepositoriesModule } from './repositories/repositories.module';
import { UsersModule } from './users/users.module';

/**
 * Feature modules (auth, users, api keys, agents) each hold a thin controller and a service;
 * RepositoriesModule owns all I/O. Later features (hosts, alerts, commands, audit, Socket.IO)
 * add modules here; the global guard and filter cover them without further wiring.
 */
@Module({
  imports: [RepositoriesModule, AuthModule, UsersModule, ApiKeysModule, AgentsModule, OpenApiModule],
  providers: [
    { provide: APP_GUARD, useClass: AuthGuard },
    { provide: APP_FILTER, useClass: ErrorFilter },
  ],
})
export class GatewayModule {}
