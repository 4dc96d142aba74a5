import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { CommandApiController } from './api/command-api.controller';
import { DomainErrorFilter } from './api/domain-error.filter';
import { InternalAuthGuard } from './api/request-context';
import { CommandSideModule, type CommandSideOptions } from './command-side.module';

/** The command service over HTTP: the internal command API (/health and /metrics come from the service kit). */
@Module({})
export class CommandAppModule {
  static forRoot(options: CommandSideOptions): DynamicModule {
    return {
      module: CommandAppModule,
      imports: [CommandSideModule.forRoot(options)],
      controllers: [CommandApiController],
      providers: [InternalAuthGuard, { provide: APP_FILTER, useClass: DomainErrorFilter }],
    };
  }
}
