import { createService, type Service, type ServiceOptions } from '@nagare/service-kit';
import { GatewayModule } from './app.module';
import { type GatewayConfig, gatewayConfigSchema } from './config';
import { configureHttpSecurity } from './http-security';

export function gatewayOptions(
  overrides: Partial<ServiceOptions<typeof gatewayConfigSchema>> = {},
): ServiceOptions<typeof gatewayConfigSchema> {
  return {
    name: 'gateway',
    config: gatewayConfigSchema,
    module: GatewayModule,
    configure: (app, ctx) => configureHttpSecurity(app, ctx.config as GatewayConfig),
    ...overrides,
  };
}

/** The gateway application, built but not listening (tests drive it; main.ts runs it). */
export function createGateway(
  overrides: Partial<ServiceOptions<typeof gatewayConfigSchema>> = {},
): Promise<Service<GatewayConfig>> {
  return createService(gatewayOptions(overrides)) as Promise<Service<GatewayConfig>>;
}
