import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { RouteCatalog } from '../common/route-catalog';
import { OpenApiController } from './openapi.controller';

@Module({
  imports: [DiscoveryModule],
  controllers: [OpenApiController],
  providers: [RouteCatalog],
  exports: [RouteCatalog],
})
export class OpenApiModule {}
