import { Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { AgentsModule } from './agents/agents.module';
import { AlertsModule } from './alerts/alerts.controller';
import { ApiKeysModule } from './api-keys/api-keys.module';
import { AssetsModule } from './assets/assets.controller';
import { AuditModule } from './audit/audit.controller';
import { AuthModule } from './auth/auth.module';
import { CommandsModule } from './commands/commands.controller';
import { AuthGuard } from './common/auth.guard';
import { ErrorFilter } from './common/error.filter';
import { HostsModule } from './hosts/hosts.module';
import { LiveModule } from './live/live.module';
import { MetricsModule } from './metrics/metrics.controller';
import { OpenApiModule } from './openapi/openapi.module';
import { OverviewModule } from './overview/overview.controller';
import { RepositoriesModule } from './repositories/repositories.module';
import { RulesModule } from './rules/rules.controller';
import { UsersModule } from './users/users.module';

/**
 * Feature modules (auth, users, api keys, agents) each hold a thin controller and a service;
 * RepositoriesModule owns all I/O. Later features (hosts, alerts, commands, audit, Socket.IO)
 * add modules here; the global guard and filter cover them without further wiring.
 */
@Module({
  imports: [
    RepositoriesModule,
    AuthModule,
    UsersModule,
    ApiKeysModule,
    AgentsModule,
    OverviewModule,
    HostsModule,
    MetricsModule,
    AlertsModule,
    CommandsModule,
    RulesModule,
    AuditModule,
    AssetsModule,
    LiveModule,
    OpenApiModule,
  ],
  providers: [
    { provide: APP_GUARD, useClass: AuthGuard },
    { provide: APP_FILTER, useClass: ErrorFilter },
  ],
})
export class GatewayModule {}
