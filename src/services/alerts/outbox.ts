import type { Logger } from 'pino';
import { deliveryRetryDelayMs } from '../../core/alert-rules.js';
import type { ChannelRepository, OutboxRow } from '../../db/repositories/channel.repository.js';
import { NotifyError, type NotificationMessage } from '../../notify/index.js';
import type { ChannelService } from './channel.service.js';

/**
 * Delivers the notification outbox. Each channel is its own queue (oldest pending row first), worked on
 * independently: a channel that hangs or fails holds only its own queue, never another channel nor the alert that
 * enqueued the message. A retryable failure waits 5 s, 30 s, 2 min, 10 min, then the row is given up; a
 * non-retryable one (bad token, unknown topic) is given up at once. Either way the channel shows the error.
 *
 * Delivery is immediate: enqueuing calls kick(); a timer covers the next due retry. Rows live in the database, so a
 * restart resumes what was pending (at least once: a send cut by the shutdown is sent again).
 */
export class OutboxWorker {
  private readonly inflight = new Map<number, Promise<void>>();
  private readonly abort = new AbortController();
  private running = false;
  private again = false;
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;

  constructor(
    private readonly d: {
      repo: ChannelRepository;
      channels: ChannelService;
      logger: Logger;
      /** deadline of one send, on top of the notifier's own */
      sendDeadlineMs: number;
    },
  ) {}

  /** Looks at the queue now (after an enqueue, a delivery, or a timer). Never throws. */
  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = true;
    void (async () => {
      try {
        do {
          this.again = false;
          await this.pass();
        } while (this.again && !this.stopped);
      } catch (err) {
        this.d.logger.error({ err }, 'notification outbox pass failed');
        this.arm(Date.now() + 5_000);
      } finally {
        this.running = false;
      }
    })();
  }

  private async pass(): Promise<void> {
    const now = Date.now();
    let next = Number.POSITIVE_INFINITY;
    for (const row of await this.d.repo.heads()) {
      if (this.inflight.has(row.channel_id)) continue;
      const due = Date.parse(row.next_attempt_at);
      if (due > now) {
        next = Math.min(next, due);
        continue;
      }
      const p = this.deliver(row)
        .catch((err) => this.d.logger.error({ err, outbox: row.id }, 'notification delivery crashed'))
        .finally(() => {
          this.inflight.delete(row.channel_id);
          this.kick(); // the channel's next row, if any
        });
      this.inflight.set(row.channel_id, p);
    }
    if (next !== Number.POSITIVE_INFINITY) this.arm(next);
  }

  private arm(atMs: number): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      this.kick();
    }, Math.min(Math.max(0, atMs - Date.now()), 3_600_000));
  }

  private async deliver(row: OutboxRow): Promise<void> {
    const channel = await this.d.repo.get(row.channel_id);
    if (!channel || channel.enabled !== 1) {
      await this.d.repo.markFailed(row.id, 'channel disabled before delivery', null);
      return;
    }
    const log = this.d.logger.child({ channel: channel.name, kind: channel.kind, outbox: row.id, alert: row.alert_id });
    try {
      const msg = JSON.parse(row.payload) as NotificationMessage;
      const signal = AbortSignal.any([this.abort.signal, AbortSignal.timeout(this.d.sendDeadlineMs)]);
      await this.d.channels.notifierFor(channel).send(msg, signal);
      await this.d.repo.markSent(row.id);
      await this.d.repo.recordSuccess(channel.id);
      log.info({ event: msg.event, attempt: row.attempts + 1 }, 'notification sent');
    } catch (err) {
      if (this.stopped) return; // cut by the shutdown: stays pending, sent after the restart
      const message = err instanceof Error ? err.message : String(err);
      const retryable = err instanceof NotifyError && err.retryable;
      const delay = retryable ? deliveryRetryDelayMs(row.attempts + 1) : null;
      await this.d.repo.markFailed(row.id, message, delay === null ? null : new Date(Date.now() + delay).toISOString());
      await this.d.repo.recordError(channel.id, message);
      log.warn({ err: message, attempt: row.attempts + 1, retry_in_ms: delay }, delay === null ? 'notification given up' : 'notification failed, will retry');
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.abort.abort();
    await Promise.allSettled([...this.inflight.values()]);
  }
}
