import { Type } from '@sinclair/typebox';
import { NotifyError, isRetryableStatus } from './errors.js';
import type { ChannelKind, NotifierDeps } from './notifier.js';

export interface HttpCall {
  channel: ChannelKind;
  deps: NotifierDeps;
  signal: AbortSignal;
  url: string;
  method?: 'POST' | 'PUT';
  headers?: Record<string, string>;
  /** sent as-is; a string body is sent exactly (webhook signatures cover these bytes) */
  body: string;
  /**
   * Pulls the service's own error text out of an error answer (ntfy `error`, Telegram `description`...), so the admin
   * sees "unauthorized" rather than a JSON blob. Returns undefined when the body has no such field.
   */
  errorText?: (body: string) => string | undefined;
  /** overrides which error statuses are worth retrying (default: 5xx, 408, 429) */
  retryableStatus?: (status: number) => boolean;
}

export interface HttpAnswer {
  status: number;
  body: string;
}

const EXCERPT = 300;

/** Shortens a response body for an error message; services sometimes answer with whole HTML pages. */
export function excerpt(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > EXCERPT ? `${flat.slice(0, EXCERPT)}…` : flat;
}

/** Reads `field` of a JSON body, if the body is JSON and the field a non-empty string. */
export function jsonField(body: string, ...path: string[]): string | undefined {
  try {
    let value: unknown = JSON.parse(body);
    for (const key of path) {
      if (value === null || typeof value !== 'object') return undefined;
      value = (value as Record<string, unknown>)[key];
    }
    return typeof value === 'string' && value !== '' ? value : undefined;
  } catch {
    return undefined;
  }
}

/**
 * One HTTP delivery with a hard deadline (the caller's signal or deps.timeoutMs, whichever comes first), covering the
 * response body too: a receiver that accepts the connection and never answers must not hold the alert pipeline.
 * Non-2xx answers become a NotifyError carrying the status and the service's message. Error texts never include the
 * URL, because for Discord, Slack and Telegram the URL itself is the secret.
 */
export async function sendHttp(call: HttpCall): Promise<HttpAnswer> {
  const { channel, deps } = call;
  const timeout = AbortSignal.timeout(deps.timeoutMs);
  const signal = AbortSignal.any([call.signal, timeout]);
  let status: number;
  let body: string;
  try {
    const res = await deps.fetch(call.url, {
      method: call.method ?? 'POST',
      headers: call.headers,
      body: call.body,
      signal,
      // a redirect would silently turn our POST into a GET on some servers; report it instead
      redirect: 'manual',
    });
    status = res.status;
    body = await res.text();
  } catch (err) {
    if (timeout.aborted) {
      throw new NotifyError(channel, `no answer within ${deps.timeoutMs} ms`, { retryable: true, cause: err });
    }
    if (call.signal.aborted) {
      throw new NotifyError(channel, 'delivery aborted', { retryable: true, cause: err });
    }
    throw new NotifyError(channel, `request failed: ${describeNetworkError(err)}`, { retryable: true, cause: err });
  }
  if (status >= 200 && status < 300) return { status, body };
  const text = call.errorText?.(body) ?? (excerpt(body) || 'empty answer');
  throw new NotifyError(channel, `HTTP ${status}: ${text}`, { status, retryable: (call.retryableStatus ?? isRetryableStatus)(status) });
}

/** undici hides the useful part (ECONNREFUSED, ENOTFOUND...) in `cause`. */
function describeNetworkError(err: unknown): string {
  const cause = (err as { cause?: { code?: string; message?: string } })?.cause;
  if (cause?.code) return cause.message ? `${cause.code} (${cause.message})` : cause.code;
  return err instanceof Error ? err.message : String(err);
}

export function trimSlash(url: string): string {
  return url.replace(/\/+$/, '');
}

export function basicAuth(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`, 'utf8').toString('base64')}`;
}

/**
 * An http(s) URL in a config schema. A pattern rather than `format: 'uri'`, so TypeBox's Value.Check (which knows no
 * formats unless registered globally) and Fastify's Ajv agree.
 */
export function HttpUrl(options: { default?: string; description?: string } = {}) {
  return Type.String({ pattern: '^https?://[^\\s/?#]+\\S*$', ...options });
}
