/**
 * Named one-shot timers: the grace of a condition, the end of a cooldown or silence, an auto-restart backoff.
 * Only a schedule: what they do is recomputed from the database when they fire, so losing them (a restart) loses
 * nothing but a little latency, and the safety-net pass re-arms them.
 */
export class Timers {
  private readonly timers = new Map<string, { at: number; handle: NodeJS.Timeout }>();
  private stopped = false;

  constructor(private readonly onError: (err: unknown, key: string) => void) {}

  /** Runs `fn` at `atMs` (epoch ms). An earlier timer already set under the key wins; a later one is replaced. */
  schedule(key: string, atMs: number, fn: () => Promise<unknown>): void {
    if (this.stopped) return;
    const existing = this.timers.get(key);
    if (existing && existing.at <= atMs) return;
    if (existing) clearTimeout(existing.handle);
    // setTimeout cannot wait past ~24.8 days; fire early and let the caller re-arm.
    const delay = Math.min(Math.max(0, atMs - Date.now()), 3_600_000);
    const handle = setTimeout(() => {
      this.timers.delete(key);
      fn().catch((err) => this.onError(err, key));
    }, delay);
    this.timers.set(key, { at: atMs, handle });
  }

  cancel(key: string): void {
    const t = this.timers.get(key);
    if (t) clearTimeout(t.handle);
    this.timers.delete(key);
  }

  has(key: string): boolean {
    return this.timers.has(key);
  }

  stop(): void {
    this.stopped = true;
    for (const t of this.timers.values()) clearTimeout(t.handle);
    this.timers.clear();
  }
}
