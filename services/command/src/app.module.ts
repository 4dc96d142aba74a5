import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { CommandApiController } from './api/command-api.controller';
import { DomainErrorFilter } from './api/domain-error.filter';
import { InternalAuthGuard } from './api/request-context';
import { CommandSideModule, type CommandSideOptions } from './command-side.module';
import { HealthController } from './health/health.controller';

/** The command service over HTTP: internal command API, /health, /metrics. */
@Module({})
export class CommandAppModule {
  static forRoot(options: CommandSideOptions): DynamicModule {
    return {
      module: CommandAppModule,
      imports: [CommandSideModule.forRoot(options)],
      controllers: [CommandApiController, HealthController],
      providers: [InternalAuthGuard, { provide: APP_FILTER, useClass: DomainErrorFilter }],
    };
  }
}
