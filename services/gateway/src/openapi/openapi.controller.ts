import { Controller, Get, Inject } from '@nestjs/common';
import { API } from '../common/api';
import { Doc, Public } from '../common/decorators';
import { RouteCatalog } from '../common/route-catalog';
import { buildOpenApi } from './openapi';

@Controller(API)
export class OpenApiController {
  private document: Record<string, unknown> | undefined;

  constructor(@Inject(RouteCatalog) private readonly catalog: RouteCatalog) {}

  @Get('openapi.json')
  @Public()
  @Doc({ summary: 'This OpenAPI 3.1 document' })
  openapi() {
    // Routes are fixed once the app is up, so the document is built once.
    this.document ??= buildOpenApi(this.catalog.routes(), '1');
    return this.document;
  }
}
