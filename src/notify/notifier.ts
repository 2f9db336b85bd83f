import type { TSchema } from '@sinclair/typebox';

/**
 * The contract every notification channel implements (Uptime Kuma model: one small class per channel, all listed in
 * one registry — see registry.ts). The alert engine builds a NotificationMessage once (format.ts) and hands it to
 * each configured channel; a channel only translates it into its service's wire format.
 */

export const CHANNEL_KINDS = ['ntfy', 'webhook', 'gotify', 'discord', 'slack', 'telegram', 'email', 'apprise'] as const;
export type ChannelKind = (typeof CHANNEL_KINDS)[number];

export type NotificationEvent = 'alert_opened' | 'alert_resolved' | 'test';
export type NotificationSeverity = 'info' | 'warning' | 'error' | 'critical';

/** The alert a message is about, as far as a channel needs to know it (a subset of core's Alert). */
export interface NotificationAlert {
  id: number;
  source: string;
  host_name: string | null;
  target: string;
  rule: string;
  state: string;
  opened_at: string;
  closed_at: string | null;
  occurrences: number;
}

export interface NotificationMessage {
  event: NotificationEvent;
  /** e.g. "🚨 Docker Alert - nas" / "✅ Resolved - nas" */
  title: string;
  /** e.g. "nginx: Container nginx is exited, expected running" */
  body: string;
  severity: NotificationSeverity;
  /** ntfy-style tags (emoji short codes and plain words), e.g. ['warning', 'docker'] */
  tags: string[];
  /** link to the dashboard, if known */
  url?: string;
  alert?: NotificationAlert;
}

/**
 * A configured channel, ready to send.
 * Contract: `send` resolves once the service accepted the message, and otherwise throws a NotifyError (never anything
 * else): retryable when trying again later may help (network, timeout, 5xx, 429), not retryable when the
 * configuration is wrong (bad token, unknown topic, 4xx). It gives up when `signal` aborts or its own deadline passes.
 */
export interface Notifier {
  readonly kind: ChannelKind;
  send(msg: NotificationMessage, signal: AbortSignal): Promise<void>;
}

export interface NotifierDeps {
  fetch: typeof fetch;
  /** deadline of one delivery attempt (connect + request + response), in milliseconds */
  timeoutMs: number;
}

export interface ChannelDefinition<C> {
  kind: ChannelKind;
  /** human name for the UI, e.g. "ntfy", "E-mail (SMTP)" */
  label: string;
  /** TypeBox schema of the channel's config, used by the API to validate and by the docs */
  configSchema: TSchema;
  /** config keys holding secrets: stored encrypted, never returned by the API */
  secretFields: readonly string[];
  create(config: C, deps: NotifierDeps): Notifier;
}

/** ntfy's priority scale (1 min .. 5 max) for a severity; the seed sends its Docker alerts at 4. */
export function priorityFor(severity: NotificationSeverity): 1 | 2 | 3 | 4 | 5 {
  switch (severity) {
    case 'info':
      return 3;
    case 'warning':
    case 'error':
      return 4;
    case 'critical':
      return 5;
  }
}
