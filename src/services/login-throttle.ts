import { AppError } from '../core/errors.js';

/**
 * Failed logins per account, whatever address they come from: the per-address limit of the login route cannot stop
 * one account being tried from many addresses (a botnet, or spoofed client addresses behind a lax proxy). Only
 * failures count, and a success clears the account's count. The budget is wider than one address's, so a single
 * client guessing cannot lock the real user out; a distributed guess locks the account for the rest of the window,
 * which is the point.
 */
export class LoginThrottle {
  private readonly failures = new Map<string, { count: number; resetAt: number }>();

  constructor(
    private readonly maxFailures: number,
    private readonly windowMs = 15 * 60_000,
    /** bounded memory: a flood of made-up usernames drops the oldest entries, never grows without limit */
    private readonly maxEntries = 10_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** Throws 429 when the account has used its failures in this window. */
  check(username: string): void {
    const e = this.entry(username);
    if (e && e.count >= this.maxFailures) {
      const minutes = Math.max(1, Math.ceil((e.resetAt - this.now()) / 60_000));
      throw new AppError(429, 'rate_limited', `too many failed logins for this account: try again in ${minutes} min`);
    }
  }

  failed(username: string): void {
    const key = username.toLowerCase();
    const e = this.entry(username);
    if (e) e.count++;
    else {
      if (this.failures.size >= this.maxEntries) this.failures.delete(this.failures.keys().next().value!);
      this.failures.set(key, { count: 1, resetAt: this.now() + this.windowMs });
    }
  }

  succeeded(username: string): void {
    this.failures.delete(username.toLowerCase());
  }

  private entry(username: string): { count: number; resetAt: number } | undefined {
    const key = username.toLowerCase();
    const e = this.failures.get(key);
    if (e && e.resetAt <= this.now()) {
      this.failures.delete(key);
      return undefined;
    }
    return e;
  }
}
