import { type EnrollmentToken, Identity } from '@nagare/identity';
import { type Logger, SERVICE_CONFIG, SERVICE_LOGGER } from '@nagare/service-kit';
import { Inject, Injectable } from '@nestjs/common';
import type { Principal } from '../common/principal';
import type { GatewayConfig } from '../config';
import type { CreateEnrollmentTokenRequest, EnrollmentTokenView } from './enrollment.dto';

const toView = (t: EnrollmentToken, now = Date.now()): EnrollmentTokenView => ({
  id: t.id,
  labels: t.labels,
  createdBy: t.createdBy,
  createdAt: t.createdAt.toISOString(),
  expiresAt: t.expiresAt.toISOString(),
  usedAt: t.usedAt?.toISOString() ?? null,
  usedByAgent: t.usedByAgent,
  revokedAt: t.revokedAt?.toISOString() ?? null,
  status: t.revokedAt ? 'revoked' : t.usedAt ? 'used' : t.expiresAt.getTime() <= now ? 'expired' : 'active',
});

@Injectable()
export class EnrollmentService {
  constructor(
    @Inject(Identity) private readonly identity: Identity,
    @Inject(SERVICE_CONFIG) private readonly config: GatewayConfig,
    @Inject(SERVICE_LOGGER) private readonly logger: Logger,
  ) {}

  async create(
    actor: Principal,
    input: CreateEnrollmentTokenRequest,
  ): Promise<{ token: string; enrollmentToken: EnrollmentTokenView }> {
    const { token, enrollmentToken } = await this.identity.agents.createEnrollmentToken({
      ttlMs: (input.ttlSeconds ?? this.config.ENROLLMENT_TOKEN_TTL_SECONDS) * 1000,
      labels: input.labels,
      createdBy: actor.kind === 'user' ? actor.id : undefined,
    });
    this.logger.info({ actor: actor.id, enrollmentTokenId: enrollmentToken.id }, 'enrollment token created');
    return { token, enrollmentToken: toView(enrollmentToken) };
  }

  async list(): Promise<EnrollmentTokenView[]> {
    const now = Date.now();
    return (await this.identity.agents.listEnrollmentTokens()).map((t) => toView(t, now));
  }

  async revoke(actor: Principal, id: string): Promise<EnrollmentTokenView> {
    const token = await this.identity.agents.revokeEnrollmentToken(id);
    this.logger.info({ actor: actor.id, enrollmentTokenId: id }, 'enrollment token revoked');
    return toView(token);
  }
}
