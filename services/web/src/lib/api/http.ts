// HTTP client for the gateway: the access token lives only in memory, the refresh token in a
// small persistent store so a reload keeps the session. A 401 `token_expired` triggers one
// refresh (shared by every request in flight, since refresh tokens rotate and reuse is refused),
// then one retry; if that fails the session is gone and `onSessionLost` sends the user to login.
import type { ApiErrorBody, TokenPair, User } from './types';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export interface KeyValueStore {
  get(key: string): string | null;
  set(key: string, value: string | null): void;
}

export type QueryValue = string | number | boolean | null | undefined | (string | number)[];
export type Query = Record<string, QueryValue>;

export interface RequestOptions {
  query?: Query;
  body?: unknown;
  /** Sent as Idempotency-Key; state-changing POSTs get a fresh one when not given. */
  idempotencyKey?: string;
  /** Login/refresh themselves must not trigger a refresh. */
  auth?: boolean;
  signal?: AbortSignal;
}

export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

const REFRESH_KEY = 'nagare.refreshToken';

/** Repeatable parameters (label=k=v, state=...) become repeated keys; empty values are dropped. */
export function buildQuery(query: Query | undefined): string {
  if (!query) return '';
  const parts: string[] = [];
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null || value === '') continue;
    const values = Array.isArray(value) ? value : [value];
    for (const v of values) parts.push(`${encodeURIComponent(key)}=${encodeURIComponent(String(v))}`);
  }
  return parts.length ? `?${parts.join('&')}` : '';
}

/** A random key; crypto.randomUUID exists only in secure contexts (https or localhost). */
export function newIdempotencyKey(): string {
  const c = globalThis.crypto;
  if (typeof c?.randomUUID === 'function') return c.randomUUID();
  if (typeof c?.getRandomValues === 'function') {
    return Array.from(c.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('');
  }
  return `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
}

export class HttpClient {
  private accessToken: string | null = null;
  private refreshing: Promise<boolean> | null = null;
  private userListeners = new Set<(user: User | null) => void>();

  constructor(
    private readonly fetchFn: FetchLike,
    private readonly store: KeyValueStore,
    private readonly base = '/api/v1',
    private readonly onSessionLost: () => void = () => {},
    /**
     * Runs a refresh under a lock shared by every tab (the browser passes Web Locks): refresh
     * tokens rotate and the gateway refuses a reused one, so two tabs must not refresh with the
     * same token. Inside the lock the token is read again, so the second tab uses the rotated one.
     */
    private readonly withLock: <T>(fn: () => Promise<T>) => Promise<T> = (fn) => fn(),
  ) {}

  get token(): string | null {
    return this.accessToken;
  }

  get hasRefreshToken(): boolean {
    return this.store.get(REFRESH_KEY) !== null;
  }

  onUser(listener: (user: User | null) => void): () => void {
    this.userListeners.add(listener);
    return () => this.userListeners.delete(listener);
  }

  /** Adopt a freshly issued token pair (login, refresh, password change). */
  adopt(pair: TokenPair): void {
    this.accessToken = pair.accessToken;
    this.store.set(REFRESH_KEY, pair.refreshToken);
    for (const l of this.userListeners) l(pair.user);
  }

  clear(): void {
    this.accessToken = null;
    this.store.set(REFRESH_KEY, null);
    for (const l of this.userListeners) l(null);
  }

  /** One refresh at a time: concurrent 401s wait for the same rotation. */
  refresh(): Promise<boolean> {
    if (!this.refreshing) {
      this.refreshing = this.withLock(() => this.doRefresh()).finally(() => {
        this.refreshing = null;
      });
    }
    return this.refreshing;
  }

  private async doRefresh(): Promise<boolean> {
    const refreshToken = this.store.get(REFRESH_KEY);
    if (!refreshToken) return false;
    try {
      const pair = await this.request<TokenPair>('POST', '/auth/refresh', {
        body: { refreshToken },
        auth: false,
      });
      this.adopt(pair);
      return true;
    } catch (err) {
      // Only a refused token ends the session; a network error keeps it for the next try.
      if (err instanceof ApiError && err.status >= 400 && err.status < 500) this.clear();
      return false;
    }
  }

  async request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
    const useAuth = options.auth !== false;
    if (useAuth && !this.accessToken && this.hasRefreshToken) await this.refresh();
    try {
      return await this.send<T>(method, path, options, useAuth);
    } catch (err) {
      if (useAuth && err instanceof ApiError && err.status === 401) {
        if (err.code === 'token_expired' && (await this.refresh())) {
          try {
            return await this.send<T>(method, path, options, useAuth);
          } catch (retryErr) {
            if (retryErr instanceof ApiError && retryErr.status === 401) this.lose();
            throw retryErr;
          }
        }
        this.lose();
      }
      throw err;
    }
  }

  private lose(): void {
    this.clear();
    this.onSessionLost();
  }

  private async send<T>(method: string, path: string, options: RequestOptions, useAuth: boolean): Promise<T> {
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (options.body !== undefined) headers['Content-Type'] = 'application/json';
    if (useAuth && this.accessToken) headers.Authorization = `Bearer ${this.accessToken}`;
    if (method !== 'GET' && method !== 'HEAD' && useAuth) {
      headers['Idempotency-Key'] = options.idempotencyKey ?? newIdempotencyKey();
    }
    let res: Response;
    try {
      res = await this.fetchFn(`${this.base}${path}${buildQuery(options.query)}`, {
        method,
        headers,
        body: options.body === undefined ? undefined : JSON.stringify(options.body),
        signal: options.signal,
        credentials: 'same-origin',
      });
    } catch (err) {
      if ((err as Error)?.name === 'AbortError') throw err;
      throw new ApiError(0, 'network_error', 'The server could not be reached');
    }
    if (res.status === 204) return undefined as T;
    const text = await res.text();
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    if (!res.ok) {
      const body = json as Partial<ApiErrorBody> | undefined;
      throw new ApiError(
        res.status,
        body?.error?.code ?? `http_${res.status}`,
        body?.error?.message ?? (res.statusText || `Request failed (${res.status})`),
        body?.error?.details,
      );
    }
    return json as T;
  }
}

/** Keeps values in browser storage when there is one, else in memory. */
export function browserStore(): KeyValueStore {
  const memory = new Map<string, string>();
  const ls = typeof localStorage === 'undefined' ? null : localStorage;
  return {
    get: (k) => (ls ? ls.getItem(k) : (memory.get(k) ?? null)),
    set: (k, v) => {
      if (ls) {
        if (v === null) ls.removeItem(k);
        else ls.setItem(k, v);
      } else if (v === null) memory.delete(k);
      else memory.set(k, v);
    },
  };
}
