import type { AlertSeverity, AlertSource, AlertSubject, DockerContainer } from './types.js';

/**
 * Alert rules as pure functions: what a container's or a host's current state means for each rule, and when a
 * notification may go out. No I/O here; the alert engine (services/alerts) persists the outcome and keeps the clocks.
 *
 * An alert is about a subject (core/types.ts AlertSubject). Subject keys and scopes:
 *   container  docker:<host id>:<container name>   scope host:<host id>
 *   host       host:<host id>                      scope host:<host id> (a host is its own scope)
 *   server     portainer:server:<server id>        scope itself (core/portainer-alerts.ts)
 * Targets (subject key + rule; one open alert per subject and rule):
 *   docker:<host id>:<container name>:down|unhealthy|missing|restart_loop
 *   host:<host id>:offline|docker
 * Container names follow Docker's grammar ([a-zA-Z0-9][a-zA-Z0-9_.-]*), so ':' never appears inside a part.
 */

export type ContainerRule = 'container_down' | 'container_unhealthy' | 'container_missing' | 'restart_loop';
export type HostRule = 'host_offline' | 'docker_unreachable';
export type PortainerRule = 'portainer_unreachable' | 'portainer_login_refused' | 'portainer_certificate';
export type AlertRule = ContainerRule | HostRule | PortainerRule;

const SHORT: Record<AlertRule, string> = {
  container_down: 'down',
  container_unhealthy: 'unhealthy',
  container_missing: 'missing',
  restart_loop: 'restart_loop',
  host_offline: 'offline',
  docker_unreachable: 'docker',
  portainer_unreachable: 'unreachable',
  portainer_login_refused: 'login',
  portainer_certificate: 'certificate',
};
const BY_SHORT = Object.fromEntries(Object.entries(SHORT).map(([k, v]) => [v, k])) as Record<string, AlertRule>;
const CONTAINER_RULES: readonly string[] = ['container_down', 'container_unhealthy', 'container_missing', 'restart_loop'] satisfies ContainerRule[];
const HOST_RULES: readonly string[] = ['host_offline', 'docker_unreachable'] satisfies HostRule[];

export const SEVERITY_RANK: Record<AlertSeverity, number> = { info: 0, warning: 1, error: 2, critical: 3 };

export function severityAtLeast(severity: string, min: string): boolean {
  return (SEVERITY_RANK[severity as AlertSeverity] ?? 0) >= (SEVERITY_RANK[min as AlertSeverity] ?? 0);
}

/** A subject as the engine carries it: the API's AlertSubject plus the host it hangs off (FK, per-host counts). */
export interface Subject extends AlertSubject {
  hostId: number | null;
}

export const hostScope = (hostId: number) => `host:${hostId}`;

export function containerSubject(hostId: number, name: string): Subject {
  return { source: 'docker', kind: 'container', key: `docker:${hostId}:${name}`, name, scope: hostScope(hostId), hostId };
}

export function hostSubject(hostId: number, name: string): Subject {
  return { source: 'host', kind: 'host', key: hostScope(hostId), name, scope: hostScope(hostId), hostId };
}

/** The target of a rule on a subject: the subject key plus the rule's short name. */
export function targetOf(subject: Pick<AlertSubject, 'key'>, rule: AlertRule): string {
  return `${subject.key}:${SHORT[rule]}`;
}

export function containerTarget(hostId: number, name: string, rule: ContainerRule): string {
  return targetOf(containerSubject(hostId, name), rule);
}

export function hostTarget(hostId: number, rule: HostRule): string {
  return `${hostScope(hostId)}:${SHORT[rule]}`;
}

/**
 * What `/api/docker/alerts` and the seed's docker_alert_* messages cover: Docker alerts, plus the host rule
 * "docker daemon unreachable" (the Docker side of a host).
 */
export function isDockerAlert(a: { source: string; rule: string }): boolean {
  return a.source === 'docker' || a.rule === 'docker_unreachable';
}

export interface ParsedTarget {
  source: 'docker' | 'host';
  hostId: number;
  containerName: string | null;
  rule: AlertRule;
}

/** The inverse of containerTarget/hostTarget; null for a key we did not make. The engine never needs it: rows carry their subject. */
export function parseTarget(target: string): ParsedTarget | null {
  const parts = target.split(':');
  if (parts[0] === 'docker' && parts.length === 4) {
    const rule = BY_SHORT[parts[3]!];
    const hostId = Number(parts[1]);
    if (!rule || !CONTAINER_RULES.includes(rule) || !Number.isInteger(hostId)) return null;
    return { source: 'docker', hostId, containerName: parts[2]!, rule };
  }
  if (parts[0] === 'host' && parts.length === 3) {
    const rule = BY_SHORT[parts[2]!];
    const hostId = Number(parts[1]);
    if (!rule || !HOST_RULES.includes(rule) || !Number.isInteger(hostId)) return null;
    return { source: 'host', hostId, containerName: null, rule };
  }
  return null;
}

/** What a container's labels ask of the alerting (label guide in the README). */
export interface MonitorSpec {
  monitored: boolean;
  desired: 'running' | 'stopped';
  graceSeconds: number;
  autoRestart: boolean;
  autoRestartMax: number;
}

export const LABELS = {
  monitor: 'homelab.monitor',
  desired: 'homelab.desired',
  grace: 'homelab.grace',
  autoRestart: 'homelab.auto_restart',
  autoRestartMax: 'homelab.auto_restart.max',
} as const;

const truthy = (v: string | undefined) => v !== undefined && /^(true|1|yes|on)$/i.test(v.trim());

function nonNegativeInt(v: string | undefined, fallback: number, max: number): number {
  if (v === undefined || !/^\s*\d+\s*$/.test(v)) return fallback;
  return Math.min(Number(v), max);
}

/** Reads the homelab.* labels; an unreadable value falls back to the default rather than disabling monitoring. */
export function monitorSpec(labels: Record<string, string>, defaults: { graceSeconds: number; autoRestartMax?: number }): MonitorSpec {
  const desired = labels[LABELS.desired]?.trim().toLowerCase() === 'stopped' ? 'stopped' : 'running';
  return {
    monitored: truthy(labels[LABELS.monitor]),
    desired,
    graceSeconds: nonNegativeInt(labels[LABELS.grace], defaults.graceSeconds, 86400),
    autoRestart: truthy(labels[LABELS.autoRestart]),
    autoRestartMax: nonNegativeInt(labels[LABELS.autoRestartMax], defaults.autoRestartMax ?? 3, 100),
  };
}

/** The verdict of one rule on one target at one moment. */
export interface RuleResult {
  /** the subject's source, repeated for readability */
  source: AlertSource;
  subject: Subject;
  rule: AlertRule;
  /** targetOf(subject, rule) */
  target: string;
  /** true: the bad state holds now */
  active: boolean;
  severity: AlertSeverity;
  message: string;
  /** how long the bad state must last before an alert opens */
  graceSeconds: number;
}

/**
 * The state rules of a container (down, unhealthy). An unmonitored container yields both rules inactive, so taking
 * the label off closes its alerts. Unhealthy is judged only while running: a stopped container keeps its last
 * health in `inspect`, which would otherwise double the down alert.
 */
export function evaluateContainer(c: Pick<DockerContainer, 'host_id' | 'name' | 'state' | 'health' | 'labels'>, defaults: { graceSeconds: number }): RuleResult[] {
  const spec = monitorSpec(c.labels, defaults);
  const subject = containerSubject(c.host_id, c.name);
  const base = { source: 'docker' as const, subject, graceSeconds: spec.graceSeconds };
  const running = c.state === 'running';
  return [
    {
      ...base,
      rule: 'container_down',
      target: targetOf(subject, 'container_down'),
      active: spec.monitored && spec.desired === 'running' && !running,
      severity: 'error',
      message: `Container ${c.name} is ${c.state || 'unknown'}, expected running`,
    },
    {
      ...base,
      rule: 'container_unhealthy',
      target: targetOf(subject, 'container_unhealthy'),
      active: spec.monitored && running && c.health === 'unhealthy',
      severity: 'warning',
      message: `Container ${c.name} health check failing`,
    },
  ];
}

/** A monitored container that is gone (removed, or recreated under another name). */
export function missingResult(hostId: number, name: string, active: boolean, graceSeconds: number): RuleResult {
  const subject = containerSubject(hostId, name);
  return {
    source: 'docker',
    subject,
    rule: 'container_missing',
    target: targetOf(subject, 'container_missing'),
    active,
    severity: 'critical',
    message: `Container ${name} is gone (it was monitored and no longer exists)`,
    graceSeconds,
  };
}

export interface RestartSample {
  restart_count: number;
  at: string;
}

/** Restart loop: RestartCount rose at least `threshold` times within the last `windowMinutes`. */
export const RESTART_LOOP = { threshold: 3, windowMinutes: 10 };

/**
 * How many restarts happened within the window, from the samples recorded each time RestartCount changed (oldest
 * first, all of the same container instance). The baseline is the last sample before the window, or the first one
 * inside it (that first observation is not itself a rise).
 */
export function restartsInWindow(samples: RestartSample[], current: number, nowMs: number, windowMinutes = RESTART_LOOP.windowMinutes): number {
  if (!samples.length) return 0;
  const start = nowMs - windowMinutes * 60_000;
  let baseline: RestartSample | undefined;
  for (const s of samples) {
    if (Date.parse(s.at) < start) baseline = s;
  }
  baseline ??= samples[0];
  return Math.max(0, current - baseline!.restart_count);
}

export function restartLoopResult(hostId: number, name: string, restarts: number, monitored: boolean): RuleResult {
  const subject = containerSubject(hostId, name);
  return {
    source: 'docker',
    subject,
    rule: 'restart_loop',
    target: targetOf(subject, 'restart_loop'),
    active: monitored && restarts >= RESTART_LOOP.threshold,
    severity: 'error',
    message: `Container ${name} restarted ${restarts} times in ${RESTART_LOOP.windowMinutes} min (restart loop)`,
    graceSeconds: 0, // the rule is already a rate over minutes
  };
}

export interface HostFacts {
  id: number;
  name: string;
  status: string; // online | offline | unknown
  status_reason: string | null;
  docker_enabled: boolean;
  docker_status: string; // online | error | unreachable | unknown
  docker_status_reason: string | null;
}

/**
 * Host rules. `unknown` proves nothing either way, so it keeps whatever is open (null = no verdict). The docker rule
 * is silent while the host itself is offline: one alert says it, not two.
 */
export function evaluateHost(h: HostFacts, graceSeconds: number): RuleResult[] {
  const subject = hostSubject(h.id, h.name);
  const base = { source: 'host' as const, subject, graceSeconds };
  const out: RuleResult[] = [];
  if (h.status === 'online' || h.status === 'offline') {
    out.push({
      ...base,
      rule: 'host_offline',
      target: targetOf(subject, 'host_offline'),
      active: h.status === 'offline',
      severity: 'critical',
      message: `Host ${h.name} is offline${h.status_reason ? `: ${h.status_reason}` : ''}`,
    });
  }
  const dockerBad = h.docker_status === 'unreachable' || h.docker_status === 'error';
  if (h.status !== 'offline' && (h.docker_status !== 'unknown' || !h.docker_enabled)) {
    out.push({
      ...base,
      rule: 'docker_unreachable',
      target: targetOf(subject, 'docker_unreachable'),
      active: h.docker_enabled && dockerBad,
      severity: 'error',
      message: `Docker daemon unreachable on ${h.name}${h.docker_status_reason ? `: ${h.docker_status_reason}` : ''}`,
    });
  }
  return out;
}

/** Whether a bad state seen since `firstSeenMs` has outlasted its grace; otherwise when it will. */
export function graceVerdict(firstSeenMs: number, graceSeconds: number, nowMs: number): { due: boolean; atMs: number } {
  const atMs = firstSeenMs + graceSeconds * 1000;
  return { due: nowMs >= atMs, atMs };
}

/**
 * Notification decision for an alert as stored. `notified_state` records what went out last ('opened' | 'resolved'
 * | null), so a restart never sends the same thing twice.
 *  - open: send "opened" unless it already went out, the alert is acknowledged, a silence holds it, or the cooldown
 *    since the last notification has not passed (flapping); then say when to look again.
 *  - closed: send "resolved" only if "opened" went out (nobody heard of it otherwise), once the silence ends.
 */
export type NotifyDecision = { send: 'opened' | 'resolved' } | { send: null; retryAtMs: number | null };

export function notifyDecision(
  a: { state: string; notified_state: string | null; last_notified_at: string | null },
  opts: { nowMs: number; cooldownSeconds: number; silencedUntilMs: number | null },
): NotifyDecision {
  const silenced = opts.silencedUntilMs !== null && opts.silencedUntilMs > opts.nowMs;
  if (a.state === 'closed') {
    if (a.notified_state !== 'opened') return { send: null, retryAtMs: null };
    return silenced ? { send: null, retryAtMs: opts.silencedUntilMs } : { send: 'resolved' };
  }
  if (a.state !== 'open' || a.notified_state === 'opened') return { send: null, retryAtMs: null };
  const last = a.last_notified_at ? Date.parse(a.last_notified_at) : null;
  const cooldownEnd = last === null ? 0 : last + opts.cooldownSeconds * 1000;
  const blockedUntil = Math.max(silenced ? opts.silencedUntilMs! : 0, cooldownEnd);
  return blockedUntil > opts.nowMs ? { send: null, retryAtMs: blockedUntil } : { send: 'opened' };
}

/** Delay before auto-restart attempt number `attempt` (0-based) within the window: 0, 5 s, 10 s, 20 s... max 5 min. */
export function autoRestartDelayMs(attempt: number): number {
  if (attempt <= 0) return 0;
  return Math.min(5_000 * 2 ** (attempt - 1), 300_000);
}

export const AUTO_RESTART_WINDOW_MINUTES = 10;

/** Delays between delivery attempts of one notification (after the 1st, 2nd... failure); then it is given up. */
export const DELIVERY_RETRY_MS = [5_000, 30_000, 120_000, 600_000];

export function deliveryRetryDelayMs(attemptsSoFar: number): number | null {
  return DELIVERY_RETRY_MS[attemptsSoFar - 1] ?? null;
}
