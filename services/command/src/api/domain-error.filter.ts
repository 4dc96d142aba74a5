import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { Response } from 'express';
import { DomainError } from '../shared/decider';

const FORBIDDEN = new Set([
  'FORBIDDEN',
  'POLICY_DENIED',
  'SELF_APPROVAL',
  'APPROVER_ROLE_REQUIRED',
  'CANCEL_NOT_ALLOWED',
]);

/** HTTP status of a domain error code. */
export function statusOf(code: string): number {
  if (code === 'UNAUTHENTICATED') return 401;
  if (FORBIDDEN.has(code)) return 403;
  if (code.endsWith('_NOT_FOUND') || code === 'NO_TARGET_HOSTS') return 404;
  if (
    code === 'INVALID_REQUEST' ||
    code.startsWith('INVALID_') ||
    code.endsWith('_REQUIRED') ||
    code.endsWith('_TOO_LONG') ||
    code.endsWith('_TOO_LARGE') ||
    code.endsWith('_EMPTY') ||
    code === 'ARGV_INVALID' ||
    code === 'SILENCE_IN_PAST'
  ) {
    return 400;
  }
  if (code === 'SIGNING_KEY_MISSING') return 503;
  return 409; // the aggregate's state does not allow it (already acknowledged, not active, ...)
}

/** Domain errors become `{ error: CODE, message }` with a fitting status; nothing else leaks details. */
@Catch()
export class DomainErrorFilter implements ExceptionFilter {
  private readonly log = new Logger('CommandApi');

  catch(err: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    if (err instanceof DomainError) {
      res.status(statusOf(err.code)).json({ error: err.code, message: err.message });
      return;
    }
    if (err instanceof HttpException) {
      const status = err.getStatus();
      res.status(status).json({ error: status === 404 ? 'NOT_FOUND' : 'HTTP_ERROR', message: err.message });
      return;
    }
    this.log.error(`unexpected error: ${(err as Error)?.stack ?? String(err)}`);
    res.status(500).json({ error: 'INTERNAL', message: 'internal error' });
  }
}
