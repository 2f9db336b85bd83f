import type { ChannelKind } from './notifier.js';

/**
 * A delivery that failed. `retryable` tells the dispatcher whether trying again later may help (the service was down,
 * slow or rate-limiting) or not (the channel is misconfigured: wrong token, unknown chat, rejected address) — the
 * latter should be shown to the admin rather than retried forever.
 */
export class NotifyError extends Error {
  readonly channel: ChannelKind;
  /** HTTP status, or SMTP reply code for e-mail, when the service answered */
  readonly status?: number;
  readonly retryable: boolean;

  constructor(
    channel: ChannelKind,
    message: string,
    opts: { status?: number; retryable: boolean; cause?: unknown },
  ) {
    super(`${channel}: ${message}`, { cause: opts.cause });
    this.name = 'NotifyError';
    this.channel = channel;
    this.status = opts.status;
    this.retryable = opts.retryable;
  }
}

/** A channel config that does not match its schema (or names an unknown kind): a programming or API-validation bug. */
export class NotifyConfigError extends Error {
  constructor(
    message: string,
    readonly details: string[] = [],
  ) {
    super(details.length ? `${message}: ${details.join('; ')}` : message);
    this.name = 'NotifyConfigError';
  }
}

/** Whether an HTTP status is worth retrying: the server is failing or asks us to slow down. */
export function isRetryableStatus(status: number): boolean {
  return status >= 500 || status === 408 || status === 429;
}
