import { priorityFor } from './notifier.js';
import type { NotificationAlert, NotificationMessage, NotificationSeverity } from './notifier.js';

/**
 * Every word and colour a notification carries is decided here, once, as pure functions: what the alert engine sends
 * (alertMessage, testMessage) and how each channel styles a message (the *For helpers). Channels only map these onto
 * their wire format, so all eight channels say the same thing.
 */

/** What alertMessage needs to know about an alert (core's Alert fits). */
export interface AlertLike extends NotificationAlert {
  severity: NotificationSeverity;
  message: string;
  container_name?: string | null;
  /** what the alert is about; names the title when no host does (a Portainer server) */
  subject?: { kind: string; name: string };
}

const SOURCE_LABEL: Record<string, string> = {
  docker: 'Docker',
  portainer: 'Portainer',
  host: 'Host',
  proxmox: 'Proxmox',
};

/** ntfy tag per severity; the seed sends ['warning', 'docker'] for a down container (severity error). */
const SEVERITY_TAG: Record<NotificationSeverity, string> = {
  info: 'information_source',
  warning: 'warning',
  error: 'warning',
  critical: 'rotating_light',
};

const SOURCE_TAG: Record<string, string> = { docker: 'docker', portainer: 'docker', host: 'host', proxmox: 'proxmox' };

/**
 * The message for an alert that opened or closed. Opened: "🚨 Docker Alert - nas" / "nginx: <alert message>" as the
 * seed has it; resolved: "✅ Resolved - nas" / "nginx: back to normal after 2m 5s (was: ...)".
 */
export function alertMessage(
  event: 'alert_opened' | 'alert_resolved',
  alert: AlertLike,
  opts: { dashboardUrl?: string } = {},
): NotificationMessage {
  const host = alert.host_name ?? (alert.subject && alert.subject.kind !== 'container' ? alert.subject.name : null) ?? 'unknown host';
  const subject = alert.container_name ?? null;
  const sourceTag = SOURCE_TAG[alert.source] ?? alert.source;
  const base = {
    severity: alert.severity,
    url: opts.dashboardUrl,
    alert: {
      id: alert.id,
      source: alert.source,
      host_name: alert.host_name,
      target: alert.target,
      rule: alert.rule,
      state: alert.state,
      opened_at: alert.opened_at,
      closed_at: alert.closed_at,
      occurrences: alert.occurrences,
    },
  };
  if (event === 'alert_opened') {
    const repeat = alert.occurrences > 1 ? ` (occurrence ${alert.occurrences})` : '';
    return {
      ...base,
      event,
      title: `🚨 ${SOURCE_LABEL[alert.source] ?? 'Homelab'} Alert - ${host}`,
      body: `${subject ? `${subject}: ` : ''}${alert.message}${repeat}`,
      tags: [SEVERITY_TAG[alert.severity], sourceTag],
    };
  }
  const lasted = alert.closed_at ? ` after ${formatDuration(alert.opened_at, alert.closed_at)}` : '';
  return {
    ...base,
    event,
    title: `✅ Resolved - ${host}`,
    body: `${subject ? `${subject}: ` : ''}back to normal${lasted} (was: ${alert.message})`,
    tags: ['white_check_mark', sourceTag],
  };
}

/** The message `POST /api/notifications/channels/{id}/test` sends. */
export function testMessage(channelName: string, opts: { dashboardUrl?: string } = {}): NotificationMessage {
  return {
    event: 'test',
    title: '🔔 Test notification - Homelab Dashboard',
    body: `If you can read this, the channel "${channelName}" works.`,
    severity: 'info',
    tags: ['bell', 'test'],
    url: opts.dashboardUrl,
  };
}

/** "2h 5m", "3m 12s", "40s": how long an alert stayed open. */
export function formatDuration(fromIso: string, toIso: string): string {
  const total = Math.max(0, Math.round((Date.parse(toIso) - Date.parse(fromIso)) / 1000));
  if (!Number.isFinite(total)) return 'an unknown time';
  const d = Math.floor(total / 86400);
  const h = Math.floor((total % 86400) / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  if (d > 0) return `${d}d ${h}h`;
  if (h > 0) return `${h}h ${m}m`;
  if (m > 0) return `${m}m ${s}s`;
  return `${s}s`;
}

/** A resolved message is calm whatever the alert's severity. */
export function isResolved(msg: NotificationMessage): boolean {
  return msg.event === 'alert_resolved';
}

/** ntfy priority (1..5): the severity's, 3 for a resolved message; `override` (channel setting) wins for the rest. */
export function ntfyPriorityFor(msg: NotificationMessage, override?: number): number {
  if (isResolved(msg)) return 3;
  return override ?? priorityFor(msg.severity);
}

/** Gotify priority (0..10; its Android app rings from 4, pops up from 8). */
export function gotifyPriorityFor(msg: NotificationMessage): number {
  if (isResolved(msg)) return 4;
  return { info: 4, warning: 5, error: 7, critical: 9 }[msg.severity];
}

/** Embed / attachment colour as a 24-bit integer (Discord) — green when resolved. */
export function colorFor(msg: NotificationMessage): number {
  if (isResolved(msg)) return 0x2ecc71;
  return { info: 0x3498db, warning: 0xf39c12, error: 0xe74c3c, critical: 0x992d22 }[msg.severity];
}

/** Apprise's notification type. */
export function appriseTypeFor(msg: NotificationMessage): 'info' | 'success' | 'warning' | 'failure' {
  if (isResolved(msg)) return 'success';
  return ({ info: 'info', warning: 'warning', error: 'failure', critical: 'failure' } as const)[msg.severity];
}

/** Plain-text rendering for channels without structure (e-mail body, Slack fallback text). */
export function plainText(msg: NotificationMessage): string {
  const lines = [msg.body];
  if (msg.alert) {
    lines.push('', `Severity: ${msg.severity}`, `Rule: ${msg.alert.rule}`, `Target: ${msg.alert.target}`);
    lines.push(`Opened: ${msg.alert.opened_at}`);
    if (msg.alert.closed_at) lines.push(`Closed: ${msg.alert.closed_at}`);
  }
  if (msg.url) lines.push('', msg.url);
  return lines.join('\n');
}

/** Cuts text to a service's limit, marking the cut. */
export function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
