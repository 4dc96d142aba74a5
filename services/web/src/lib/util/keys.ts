// Keyboard shortcuts as data: single keys (j, k, /, a, ?) and two-key sequences (g h, g a).
// The resolver is pure so the map is unit-tested; the layout wires it to keydown.

export type Action =
  | 'next'
  | 'prev'
  | 'open'
  | 'search'
  | 'acknowledge'
  | 'help'
  | 'escape'
  | 'go-overview'
  | 'go-hosts'
  | 'go-alerts'
  | 'go-commands'
  | 'go-audit'
  | 'go-settings';

export const SHORTCUTS: { keys: string; action: Action; help: string }[] = [
  { keys: 'j', action: 'next', help: 'next row' },
  { keys: 'k', action: 'prev', help: 'previous row' },
  { keys: 'Enter', action: 'open', help: 'open the selected row' },
  { keys: '/', action: 'search', help: 'focus the search box' },
  { keys: 'a', action: 'acknowledge', help: 'acknowledge the selected alert' },
  { keys: '?', action: 'help', help: 'show shortcuts' },
  { keys: 'Escape', action: 'escape', help: 'close / leave the field' },
  { keys: 'g o', action: 'go-overview', help: 'go to overview' },
  { keys: 'g h', action: 'go-hosts', help: 'go to hosts' },
  { keys: 'g a', action: 'go-alerts', help: 'go to alerts' },
  { keys: 'g c', action: 'go-commands', help: 'go to commands' },
  { keys: 'g u', action: 'go-audit', help: 'go to audit' },
  { keys: 'g s', action: 'go-settings', help: 'go to settings' },
];

export interface KeyInput {
  key: string;
  ctrlKey?: boolean;
  metaKey?: boolean;
  altKey?: boolean;
  /** The event's target is a text field: only Escape counts there. */
  inField?: boolean;
  at: number;
}

export interface KeyState {
  pending: string | null;
  pendingAt: number;
}

export const SEQUENCE_TIMEOUT_MS = 1000;

export function initialKeyState(): KeyState {
  return { pending: null, pendingAt: 0 };
}

/** Next state and the action the key completes, if any. */
export function resolveKey(state: KeyState, input: KeyInput): { state: KeyState; action: Action | null } {
  const idle = initialKeyState();
  if (input.ctrlKey || input.metaKey || input.altKey) return { state: idle, action: null };
  if (input.key === 'Escape') return { state: idle, action: 'escape' };
  if (input.inField) return { state: idle, action: null };
  const pending = state.pending && input.at - state.pendingAt <= SEQUENCE_TIMEOUT_MS ? state.pending : null;
  if (pending) {
    const hit = SHORTCUTS.find((s) => s.keys === `${pending} ${input.key}`);
    if (hit) return { state: idle, action: hit.action };
    // An unknown second key starts over as if typed alone.
  }
  if (SHORTCUTS.some((s) => s.keys.startsWith(`${input.key} `))) {
    return { state: { pending: input.key, pendingAt: input.at }, action: null };
  }
  const single = SHORTCUTS.find((s) => s.keys === input.key);
  return { state: idle, action: single?.action ?? null };
}

export const GO_ROUTES: Partial<Record<Action, string>> = {
  'go-overview': '/',
  'go-hosts': '/hosts',
  'go-alerts': '/alerts',
  'go-commands': '/commands',
  'go-audit': '/audit',
  'go-settings': '/settings',
};

/** Row selection moved by j/k, clamped to the list; -1 (nothing selected) goes to the first row. */
export function moveSelection(index: number, count: number, action: 'next' | 'prev'): number {
  if (count <= 0) return -1;
  if (index < 0) return action === 'next' ? 0 : count - 1;
  return action === 'next' ? Math.min(count - 1, index + 1) : Math.max(0, index - 1);
}
