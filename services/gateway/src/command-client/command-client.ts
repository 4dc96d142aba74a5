import { type Logger, SERVICE_CONFIG, SERVICE_LOGGER } from '@nagare/service-kit';
import { Inject, Injectable } from '@nestjs/common';
import { ApiError } from '../common/api-error';
import type { Principal } from '../common/principal';
import type { GatewayConfig } from '../config';

export interface CallOptions {
  idempotencyKey?: string;
  correlationId?: string;
}

/** `{ streamId, version, replayed, events }` (docs/command-service.md, internal API). */
export interface CommandOutcome {
  streamId: string;
  version: number;
  replayed?: boolean;
  events?: { type: string; data: Record<string, unknown> }[];
  [k: string]: unknown;
}

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,200}$/;

/**
 * The command service's internal HTTP API (writes). The gateway passes the caller it
 * authenticated as the actor; the command service decides (policy, approvals, state rules)
 * and its refusals come back in the gateway's error shape with the code lower-cased.
 */
@Injectable()
export class CommandClient {
  constructor(
    @Inject(SERVICE_CONFIG) private readonly config: GatewayConfig,
    @Inject(SERVICE_LOGGER) private readonly logger: Logger,
  ) {}

  async post<T = CommandOutcome>(
    path: string,
    body: unknown,
    actor: Principal,
    options: CallOptions = {},
  ): Promise<T> {
    const base = this.config.COMMAND_SERVICE_URL;
    const token = this.config.COMMAND_INTERNAL_TOKEN;
    if (!base || !token) {
      throw new ApiError(503, 'command_service_unavailable', 'the command service is not configured');
    }
    if (options.idempotencyKey !== undefined && !IDEMPOTENCY_KEY.test(options.idempotencyKey)) {
      throw ApiError.badRequest(
        'invalid_idempotency_key',
        'Idempotency-Key must be 1-200 visible ASCII characters',
      );
    }
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'x-nagare-internal-token': token,
      'x-nagare-actor-id': actor.id,
      'x-nagare-actor-name': actor.kind === 'user' ? actor.username : actor.name,
      'x-nagare-actor-kind': actor.kind === 'user' ? 'USER' : 'API_KEY',
      'x-nagare-actor-roles': actor.role,
    };
    if (options.idempotencyKey) headers['idempotency-key'] = options.idempotencyKey;
    if (options.correlationId) headers['x-correlation-id'] = options.correlationId;
    let res: Response;
    try {
      res = await fetch(new URL(path, base), {
        method: 'POST',
        headers,
        body: JSON.stringify(body ?? {}),
        signal: AbortSignal.timeout(this.config.COMMAND_TIMEOUT_MS),
      });
    } catch (err) {
      this.logger.warn({ err: (err as Error).message, path }, 'command service unreachable');
      throw new ApiError(503, 'command_service_unavailable', 'the command service did not answer');
    }
    const text = await res.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : {};
    } catch {
      parsed = undefined;
    }
    if (res.ok && parsed && typeof parsed === 'object') return parsed as T;
    if (res.status >= 400 && res.status < 500 && res.status !== 401 && parsed && typeof parsed === 'object') {
      const e = parsed as { error?: unknown; message?: unknown; details?: unknown };
      const code = typeof e.error === 'string' ? e.error.toLowerCase() : `http_${res.status}`;
      throw new ApiError(
        res.status,
        code,
        typeof e.message === 'string' ? e.message : 'refused by the command service',
        e.details,
      );
    }
    // 401 means our shared token is wrong: a deployment error, not the caller's.
    this.logger.error({ status: res.status, path }, 'command service call failed');
    throw new ApiError(502, 'command_service_error', 'the command service could not handle the request');
  }
}
