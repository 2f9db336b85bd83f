/**
 * Reconnect backoff for one host: after a failed connect, new connects fail fast for a window
 * (5 s, then 10 s, then 30 s for every further failure); a success resets it. Pure: time is passed in.
 */
export const DEFAULT_BACKOFF_MS: readonly number[] = [5_000, 10_000, 30_000];

export class ConnectBackoff {
  private failures = 0;
  private until = 0;
  private last: Error | null = null;

  constructor(private readonly schedule: readonly number[] = DEFAULT_BACKOFF_MS) {
    if (schedule.length === 0) throw new Error('backoff schedule must not be empty');
  }

  /** Window that follows the n-th consecutive failure (n >= 1); the last entry repeats. */
  static windowAfter(schedule: readonly number[], failures: number): number {
    if (failures <= 0) return 0;
    return schedule[Math.min(failures, schedule.length) - 1];
  }

  recordFailure(err: Error, now: number): void {
    this.failures += 1;
    this.last = err;
    this.until = now + ConnectBackoff.windowAfter(this.schedule, this.failures);
  }

  recordSuccess(): void {
    this.failures = 0;
    this.until = 0;
    this.last = null;
  }

  /** While blocked: how long is left and the failure that caused it; otherwise null. */
  blocked(now: number): { retryAfterMs: number; lastError: Error } | null {
    if (this.last === null || now >= this.until) return null;
    return { retryAfterMs: this.until - now, lastError: this.last };
  }

  get consecutiveFailures(): number {
    return this.failures;
  }
}
