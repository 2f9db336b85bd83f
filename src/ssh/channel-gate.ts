/**
 * Counts the channels open on one connection and queues new ones once the server's session limit is known.
 *
 * OpenSSH caps sessions per connection (MaxSessions, 10 by default) and answers an extra channel open with
 * "(SSH) Channel open failure: open failed". We do not know the cap in advance: the first refusal teaches it
 * (the number of channels open at that moment), and from then on callers wait here for a slot instead of failing.
 */
export class ChannelGate {
  /** Slots taken: channels open plus opens in flight. */
  private open = 0;
  /** Channels the server confirmed. Only these tell the server's limit: opens in flight may be the refused ones. */
  private established = 0;
  private limit = Number.POSITIVE_INFINITY;
  private highWater = 0;
  private readonly waiters: Array<() => void> = [];

  /** Channels open on the server right now. */
  get active(): number {
    return this.established;
  }

  /** Slots taken: open channels plus opens in flight. */
  get taken(): number {
    return this.open;
  }

  get learnedLimit(): number | null {
    return Number.isFinite(this.limit) ? this.limit : null;
  }

  /** Resolves when a slot is taken; rejects with the signal's reason if aborted while queued. */
  acquire(signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (this.open < this.limit && this.waiters.length === 0) {
      this.open += 1;
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const wake = (): void => {
        signal?.removeEventListener('abort', onAbort);
        this.open += 1;
        resolve();
      };
      const onAbort = (): void => {
        const i = this.waiters.indexOf(wake);
        if (i !== -1) this.waiters.splice(i, 1);
        reject(signal?.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiters.push(wake);
    });
  }

  /** The server confirmed the channel of a slot taken with acquire(). */
  confirm(): void {
    this.established += 1;
    this.highWater = Math.max(this.highWater, this.established);
  }

  /** Frees a slot: `established` when its channel had been confirmed (and is now closed). */
  release(established: boolean): void {
    if (this.open > 0) this.open -= 1;
    if (established && this.established > 0) this.established -= 1;
    this.pump();
  }

  /**
   * The server refused a channel (its slot already released). Every other slot still taken is a channel the server
   * accepted or will judge after this one, so the limit is at most that count; refusals arrive in order, so after
   * a burst the limit settles on what the server really allows. It never drops below the most channels the server
   * ever had open with us at once: a refusal below that is the server not having reaped a session we just closed
   * (it frees its slot a moment after our side sees the close), not a smaller limit.
   */
  learnLimit(): void {
    if (this.open === 0) return;
    this.limit = Math.max(this.highWater, Math.min(this.limit, this.open));
  }

  private pump(): void {
    while (this.open < this.limit && this.waiters.length > 0) {
      const wake = this.waiters.shift();
      wake?.();
    }
  }
}
