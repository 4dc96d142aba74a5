export type Guarded<T> =
  | { status: 'ok'; value: T }
  | { status: 'failed' }
  | { status: 'timeout' }
  | { status: 'still-pending' };

/**
 * Runs calls that can hang in the kernel (statfs on a dead NFS server, a process's cmdline)
 * with a timeout, and never starts a second one for the same key while the first is still
 * stuck: each hung call holds one of libuv's four pool threads, so repeating it every
 * interval would starve all file I/O.
 */
export class StuckGuard {
  private readonly pending = new Set<string>();

  async run<T>(key: string, fn: () => Promise<T>, timeoutMs: number): Promise<Guarded<T>> {
    if (this.pending.has(key)) return { status: 'still-pending' };
    this.pending.add(key);
    const call = fn().then(
      (value) => ({ status: 'ok' as const, value }),
      () => ({ status: 'failed' as const }),
    );
    void call.finally(() => this.pending.delete(key));
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<{ status: 'timeout' }>((r) => {
      timer = setTimeout(() => r({ status: 'timeout' }), timeoutMs);
    });
    const r = await Promise.race([call, timeout]);
    clearTimeout(timer);
    return r;
  }
}
