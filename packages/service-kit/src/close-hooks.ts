export type CloseHook = () => Promise<unknown> | unknown;

/**
 * Resources a service opened (pools, clients, consumers). They close in reverse order of
 * registration, after the HTTP server has drained, so in-flight requests still have them.
 */
export class CloseHooks {
  private readonly hooks: { name: string; fn: CloseHook }[] = [];

  register(name: string, fn: CloseHook): void {
    this.hooks.push({ name, fn });
  }

  /** Runs every hook even if one fails; returns the failures. */
  async runAll(onError: (name: string, err: unknown) => void): Promise<void> {
    for (const { name, fn } of [...this.hooks].reverse()) {
      try {
        await fn();
      } catch (err) {
        onError(name, err);
      }
    }
  }
}
