import type { Role } from '@nagare/identity';
import { OUTPUT, READ } from '../common/roles';

/**
 * THE room table: every Socket.IO room a client may subscribe to and who may. The
 * authorization test (live.e2e.spec.ts) checks every room against every role from it.
 */
export const ROOMS: ReadonlyArray<{
  pattern: RegExp;
  example: string;
  roles: readonly Role[];
  what: string;
}> = [
  { pattern: /^hosts$/, example: 'hosts', roles: READ, what: "every host's summary changes" },
  { pattern: /^alerts$/, example: 'alerts', roles: READ, what: 'alert changes' },
  { pattern: /^commands$/, example: 'commands', roles: READ, what: 'command state changes' },
  { pattern: /^twin$/, example: 'twin', roles: READ, what: 'digital twin changes' },
  {
    pattern: /^host\/[A-Za-z0-9][A-Za-z0-9._:@-]{0,199}$/,
    example: 'host/h-1',
    roles: READ,
    what: 'live metrics of one host',
  },
  {
    pattern: /^command\/[A-Za-z0-9][A-Za-z0-9._:@-]{0,199}$/,
    example: 'command/c-1',
    roles: OUTPUT,
    what: 'live output and state of one command',
  },
];

export type RoomDecision = { ok: true } | { ok: false; error: { code: string; message: string } };

export function authorizeRoom(room: unknown, role: Role): RoomDecision {
  if (typeof room !== 'string' || room.length > 256) {
    return { ok: false, error: { code: 'invalid_room', message: 'room must be a string' } };
  }
  const entry = ROOMS.find((r) => r.pattern.test(room));
  if (!entry) return { ok: false, error: { code: 'unknown_room', message: `no such room: ${room}` } };
  if (!entry.roles.includes(role)) {
    return { ok: false, error: { code: 'forbidden', message: 'not allowed for your role' } };
  }
  return { ok: true };
}
