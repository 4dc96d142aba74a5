// The app's singletons: HTTP client, typed API, live socket, and the session and connection
// state the layout shows. Views import `api`, `live` and the stores; none of them call fetch.
import { goto } from '$app/navigation';
import { NagareApi } from './api/endpoints';
import { browserStore, HttpClient } from './api/http';
import type { Role, User } from './api/types';
import { LiveClient, type LiveStatus } from './live/socket';

export const session = $state<{ user: User | null; ready: boolean }>({ user: null, ready: false });
export const connection = $state<{ status: LiveStatus }>({ status: 'idle' });

function onSessionLost(): void {
  live.disconnect();
  const here = location.pathname + location.search;
  if (!location.pathname.startsWith('/login')) void goto(`/login?next=${encodeURIComponent(here)}`);
}

// Web Locks serialize token refreshes across tabs (see HttpClient); without them, refresh as is.
const refreshLock = <T>(fn: () => Promise<T>): Promise<T> =>
  typeof navigator !== 'undefined' && navigator.locks
    ? // The DOM typing nests the callback's promise; at run time request() resolves to its value.
      (navigator.locks.request('nagare.refresh', fn) as unknown as Promise<T>)
    : fn();

export const http = new HttpClient(
  (input, init) => fetch(input, init),
  browserStore(),
  '/api/v1',
  onSessionLost,
  refreshLock,
);
export const api = new NagareApi(http);
export const live = new LiveClient({
  token: () => http.token,
  refresh: async () => {
    const ok = await http.refresh();
    // The refresh token was refused (it is gone from the store): the session is over.
    if (!ok && !http.hasRefreshToken) onSessionLost();
    return ok;
  },
});

http.onUser((user) => {
  session.user = user;
});
live.onStatus((s) => {
  connection.status = s;
});

/** Restore the session after a reload from the stored refresh token; true when signed in. */
export async function restoreSession(): Promise<boolean> {
  if (session.user) {
    session.ready = true;
    return true;
  }
  if (http.hasRefreshToken) await http.refresh();
  session.ready = true;
  return session.user !== null;
}

export async function signOut(): Promise<void> {
  live.disconnect();
  await api.logout(browserStore().get('nagare.refreshToken')).catch(() => undefined);
  await goto('/login');
}

const RANK: Record<Role, number> = { viewer: 0, auditor: 0, operator: 1, approver: 2, admin: 3 };

/** Role checks mirror the gateway's access model so the UI only offers what will be allowed. */
export function can(action: 'operate' | 'approve' | 'admin' | 'audit' | 'output'): boolean {
  const role = session.user?.role;
  if (!role) return false;
  switch (action) {
    case 'operate':
      return role !== 'auditor' && RANK[role] >= 1;
    case 'approve':
      return role === 'approver' || role === 'admin';
    case 'admin':
      return role === 'admin';
    case 'audit':
      return role === 'auditor' || role === 'admin';
    case 'output':
      return role !== 'viewer';
  }
}

export type Theme = 'dark' | 'light';
export const theme = $state<{ value: Theme }>({ value: 'dark' });

export function initTheme(): void {
  const saved = localStorage.getItem('nagare.theme');
  theme.value =
    saved === 'dark' || saved === 'light'
      ? saved
      : matchMedia('(prefers-color-scheme: light)').matches
        ? 'light'
        : 'dark';
  document.documentElement.dataset.theme = theme.value;
}

export function toggleTheme(): void {
  theme.value = theme.value === 'dark' ? 'light' : 'dark';
  document.documentElement.dataset.theme = theme.value;
  localStorage.setItem('nagare.theme', theme.value);
}

export interface Toast {
  id: number;
  text: string;
  kind: 'info' | 'error';
}
export const toasts = $state<Toast[]>([]);
let toastId = 0;

/** A short message in the corner (role=status), gone after a few seconds. */
export function notify(text: string, kind: Toast['kind'] = 'info'): void {
  const id = ++toastId;
  toasts.push({ id, text, kind });
  setTimeout(() => {
    const i = toasts.findIndex((t) => t.id === id);
    if (i >= 0) toasts.splice(i, 1);
  }, 6000);
}
