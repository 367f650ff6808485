/**
 * Keeps on-demand refreshes from draining shared budgets (GitHub's rate
 * limit): an entity refreshed within the cooldown is not collected again,
 * concurrent refreshes of one entity share one run, and at most
 * `maxConcurrent` refreshes run at once in this replica.
 */
export class RefreshGuard {
  readonly #cooldownMs: number;
  readonly #maxConcurrent: number;
  readonly #clock: () => number;
  readonly #lastStarted = new Map<string, number>();
  readonly #running = new Map<string, Promise<void>>();

  constructor(options: {
    cooldownMs: number;
    maxConcurrent: number;
    clock?: () => number;
  }) {
    this.#cooldownMs = options.cooldownMs;
    this.#maxConcurrent = options.maxConcurrent;
    this.#clock = options.clock ?? Date.now;
  }

  /** Why a refresh of the entity should answer with current data, if it should. */
  reasonToSkip(entityRef: string): string | undefined {
    if (this.#running.has(entityRef)) return undefined; // joins the running one
    const last = this.#lastStarted.get(entityRef);
    if (last !== undefined && this.#clock() - last < this.#cooldownMs) {
      return 'cooldown';
    }
    if (this.#running.size >= this.#maxConcurrent) return 'busy';
    return undefined;
  }

  /** Runs the refresh, or joins the one already running for the entity. */
  async run(entityRef: string, refresh: () => Promise<void>): Promise<void> {
    const running = this.#running.get(entityRef);
    if (running) return running;
    this.#lastStarted.set(entityRef, this.#clock());
    this.#prune();
    const promise = refresh().finally(() => this.#running.delete(entityRef));
    this.#running.set(entityRef, promise);
    return promise;
  }

  /** Forgets cooldowns that are over, so memory stays bounded. */
  #prune() {
    if (this.#lastStarted.size < 10_000) return;
    const now = this.#clock();
    for (const [ref, at] of this.#lastStarted) {
      if (now - at >= this.#cooldownMs) this.#lastStarted.delete(ref);
    }
  }
}
