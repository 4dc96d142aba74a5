import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { DomainError } from '../shared/decider';

const FORBIDDEN = new Set([
  'FORBIDDEN',
  'POLICY_DENIED',
  'SELF_APPROVAL',
  'APPROVER_ROLE_REQUIRED',
  'CANCEL_NOT_ALLOWED',
]);
const BAD_INPUT = /^(INVALID_|ARGV_)|_(REQUIRED|TOO_LONG|TOO_LARGE|EMPTY)$|^SILENCE_IN_PAST$/;

/** HTTP status of a domain error code. */
export function statusOf(code: string): number {
  if (code === 'UNAUTHENTICATED') return 401;
  if (FORBIDDEN.has(code)) return 403;
  if (code.endsWith('_NOT_FOUND') || code === 'NO_TARGET_HOSTS') return 404;
  if (BAD_INPUT.test(code)) return 400;
  if (code === 'SIGNING_KEY_MISSING') return 503;
  return 409; // the aggregate's state does not allow it (already acknowledged, not active, ...)
}

/** Domain errors become `{ error: CODE, message }` with a fitting status; nothing else leaks details. */
@Catch()
export class DomainErrorFilter implements ExceptionFilter {
  private readonly log = new Logger('CommandApi');

  constructor(private readonly adapterHost: HttpAdapterHost) {}

  catch(err: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse();
    let status = 500;
    let body = { error: 'INTERNAL', message: 'internal error' };
    if (err instanceof DomainError) {
      status = statusOf(err.code);
      body = { error: err.code, message: err.message };
    } else if (err instanceof Error && err.name === 'EventStoreInputError') {
      // An id from the path that cannot name a stream (control characters, too long).
      status = 400;
      body = { error: 'INVALID_REQUEST', message: err.message };
    } else if (err instanceof HttpException) {
      status = err.getStatus();
      body = { error: status === 404 ? 'NOT_FOUND' : 'HTTP_ERROR', message: err.message };
    } else {
      this.log.error(`unexpected error: ${(err as Error)?.stack ?? String(err)}`);
    }
    this.adapterHost.httpAdapter.reply(res, body, status);
  }
}
