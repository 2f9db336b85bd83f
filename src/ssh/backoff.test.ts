import { describe, expect, it } from 'vitest';
import { ConnectBackoff, DEFAULT_BACKOFF_MS } from './backoff.js';

const refused = new Error('connection refused');

describe('connect backoff', () => {
  it('waits 5 s, then 10 s, then 30 s for every further failure', () => {
    expect(DEFAULT_BACKOFF_MS).toEqual([5_000, 10_000, 30_000]);
    const windows = [1, 2, 3, 4, 5].map((n) => ConnectBackoff.windowAfter(DEFAULT_BACKOFF_MS, n));
    expect(windows).toEqual([5_000, 10_000, 30_000, 30_000, 30_000]);
  });

  it('does not block before any failure', () => {
    expect(new ConnectBackoff().blocked(0)).toBeNull();
  });

  it('blocks new connects inside the window and says how long is left, with the failure that caused it', () => {
    const b = new ConnectBackoff();
    b.recordFailure(refused, 1_000);
    expect(b.blocked(1_000)).toEqual({ retryAfterMs: 5_000, lastError: refused });
    expect(b.blocked(4_000)?.retryAfterMs).toBe(2_000);
    expect(b.blocked(6_000)).toBeNull();
  });

  it('grows the window with consecutive failures and stays at the last step', () => {
    const b = new ConnectBackoff();
    let now = 0;
    const seen: number[] = [];
    for (let i = 0; i < 5; i++) {
      b.recordFailure(refused, now);
      const w = b.blocked(now)?.retryAfterMs ?? 0;
      seen.push(w);
      now += w; // retry exactly when allowed, and fail again
    }
    expect(seen).toEqual([5_000, 10_000, 30_000, 30_000, 30_000]);
    expect(b.consecutiveFailures).toBe(5);
  });

  it('a success resets the schedule to its first step', () => {
    const b = new ConnectBackoff();
    b.recordFailure(refused, 0);
    b.recordFailure(refused, 5_000);
    b.recordSuccess();
    expect(b.blocked(5_001)).toBeNull();
    b.recordFailure(refused, 20_000);
    expect(b.blocked(20_000)?.retryAfterMs).toBe(5_000);
  });

  it('follows a custom schedule', () => {
    const b = new ConnectBackoff([100, 200]);
    b.recordFailure(refused, 0);
    b.recordFailure(refused, 100);
    b.recordFailure(refused, 300);
    expect(b.blocked(300)?.retryAfterMs).toBe(200);
    expect(() => new ConnectBackoff([])).toThrow();
  });
});
