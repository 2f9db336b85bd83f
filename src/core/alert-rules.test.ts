import { describe, expect, it } from 'vitest';
import {
  autoRestartDelayMs,
  containerTarget,
  deliveryRetryDelayMs,
  evaluateContainer,
  evaluateHost,
  graceVerdict,
  hostTarget,
  monitorSpec,
  notifyDecision,
  parseTarget,
  restartLoopResult,
  restartsInWindow,
  severityAtLeast,
  type HostFacts,
} from './alert-rules.js';

const monitored = { 'homelab.monitor': 'true' };
const c = (state: string, health = 'none', labels: Record<string, string> = monitored) => ({ host_id: 3, name: 'nginx', state, health: health as never, labels });
const byRule = (rs: ReturnType<typeof evaluateContainer>) => Object.fromEntries(rs.map((r) => [r.rule, r]));

describe('container rules', () => {
  it('opens "down" (error) when a running-desired monitored container exits, with the seed message', () => {
    const r = byRule(evaluateContainer(c('exited'), { graceSeconds: 10 })).container_down!;
    expect(r).toMatchObject({ active: true, severity: 'error', target: 'docker:3:nginx:down', graceSeconds: 10 });
    expect(r.message).toBe('Container nginx is exited, expected running');
  });

  it('treats paused, restarting and dead as not running', () => {
    for (const s of ['paused', 'restarting', 'dead', 'created']) expect(byRule(evaluateContainer(c(s), { graceSeconds: 0 })).container_down!.active).toBe(true);
  });

  it('is inactive for a running container and for one that is not monitored', () => {
    expect(byRule(evaluateContainer(c('running'), { graceSeconds: 0 })).container_down!.active).toBe(false);
    const r = byRule(evaluateContainer(c('exited', 'none', { 'homelab.monitor': 'false' }), { graceSeconds: 0 }));
    expect(r.container_down!.active).toBe(false);
    expect(r.container_unhealthy!.active).toBe(false);
  });

  it('does not alert on a stopped container whose desired state is stopped', () => {
    const r = byRule(evaluateContainer(c('exited', 'none', { ...monitored, 'homelab.desired': 'stopped' }), { graceSeconds: 0 }));
    expect(r.container_down!.active).toBe(false);
  });

  it('warns when a running container is unhealthy, not when it is stopped with a stale health', () => {
    const running = byRule(evaluateContainer(c('running', 'unhealthy'), { graceSeconds: 0 })).container_unhealthy!;
    expect(running).toMatchObject({ active: true, severity: 'warning', message: 'Container nginx health check failing' });
    expect(byRule(evaluateContainer(c('exited', 'unhealthy'), { graceSeconds: 0 })).container_unhealthy!.active).toBe(false);
    expect(byRule(evaluateContainer(c('running', 'starting'), { graceSeconds: 0 })).container_unhealthy!.active).toBe(false);
  });

  it('takes the grace from homelab.grace, falling back to the default on a bad value', () => {
    expect(byRule(evaluateContainer(c('exited', 'none', { ...monitored, 'homelab.grace': '0' }), { graceSeconds: 10 })).container_down!.graceSeconds).toBe(0);
    expect(byRule(evaluateContainer(c('exited', 'none', { ...monitored, 'homelab.grace': '30' }), { graceSeconds: 10 })).container_down!.graceSeconds).toBe(30);
    expect(byRule(evaluateContainer(c('exited', 'none', { ...monitored, 'homelab.grace': '-5s' }), { graceSeconds: 10 })).container_down!.graceSeconds).toBe(10);
  });
});

describe('labels', () => {
  it('reads monitor, desired, auto_restart and its cap', () => {
    expect(monitorSpec({ 'homelab.monitor': 'TRUE', 'homelab.auto_restart': 'true', 'homelab.auto_restart.max': '5' }, { graceSeconds: 10 })).toEqual({
      monitored: true,
      desired: 'running',
      graceSeconds: 10,
      autoRestart: true,
      autoRestartMax: 5,
    });
    expect(monitorSpec({}, { graceSeconds: 10 })).toMatchObject({ monitored: false, autoRestart: false, autoRestartMax: 3 });
    expect(monitorSpec({ 'homelab.desired': 'Stopped' }, { graceSeconds: 1 }).desired).toBe('stopped');
  });
});

describe('targets', () => {
  it('round-trip through parseTarget', () => {
    expect(parseTarget(containerTarget(7, 'my_app.1', 'restart_loop'))).toEqual({ source: 'docker', hostId: 7, containerName: 'my_app.1', rule: 'restart_loop' });
    expect(parseTarget(hostTarget(2, 'docker_unreachable'))).toEqual({ source: 'host', hostId: 2, containerName: null, rule: 'docker_unreachable' });
    expect(parseTarget('proxmox:1:vm')).toBeNull();
    expect(parseTarget('docker:x:nginx:down')).toBeNull();
  });
});

describe('restart loop', () => {
  const t0 = Date.parse('2025-01-01T03:00:00Z');
  const at = (min: number) => new Date(t0 + min * 60_000).toISOString();

  it('counts rises within the window from the last sample before it', () => {
    const samples = [
      { restart_count: 0, at: at(0) },
      { restart_count: 1, at: at(12) },
      { restart_count: 2, at: at(13) },
      { restart_count: 4, at: at(14) },
    ];
    // window 10 min ending at minute 15 starts at minute 5: baseline = count 0 at minute 0
    expect(restartsInWindow(samples, 4, t0 + 15 * 60_000)).toBe(4);
    // at minute 23 the window starts at 13: baseline = count 2 (last sample before 13 is minute 12 -> 1)
    expect(restartsInWindow(samples, 4, t0 + 23 * 60_000)).toBe(3);
    expect(restartsInWindow(samples, 4, t0 + 30 * 60_000)).toBe(0);
  });

  it('does not count the first observation as a rise', () => {
    expect(restartsInWindow([{ restart_count: 9, at: at(0) }], 9, t0 + 60_000)).toBe(0);
    expect(restartsInWindow([], 9, t0)).toBe(0);
  });

  it('alerts from the threshold on', () => {
    expect(restartLoopResult(1, 'a', 2, true).active).toBe(false);
    expect(restartLoopResult(1, 'a', 3, true)).toMatchObject({ active: true, severity: 'error', message: 'Container a restarted 3 times in 10 min (restart loop)' });
    expect(restartLoopResult(1, 'a', 9, false).active).toBe(false);
  });
});

describe('host rules', () => {
  const h = (over: Partial<HostFacts>): HostFacts => ({
    id: 4,
    name: 'nas',
    status: 'online',
    status_reason: null,
    docker_enabled: true,
    docker_status: 'online',
    docker_status_reason: null,
    ...over,
  });
  const rules = (f: HostFacts) => Object.fromEntries(evaluateHost(f, 10).map((r) => [r.rule, r]));

  it('opens "host offline" (critical) with the reason, and says nothing of docker while offline', () => {
    const r = rules(h({ status: 'offline', status_reason: 'connect timeout', docker_status: 'unreachable' }));
    expect(r.host_offline).toMatchObject({ active: true, severity: 'critical', message: 'Host nas is offline: connect timeout', source: 'host', target: 'host:4:offline' });
    expect(r.docker_unreachable).toBeUndefined();
  });

  it('opens "docker unreachable" when the host answers but dockerd does not', () => {
    const r = rules(h({ docker_status: 'unreachable', docker_status_reason: 'Cannot connect to the Docker daemon' }));
    expect(r.host_offline!.active).toBe(false);
    expect(r.docker_unreachable).toMatchObject({ active: true, message: 'Docker daemon unreachable on nas: Cannot connect to the Docker daemon' });
  });

  it('gives no verdict on an unknown status', () => {
    expect(rules(h({ status: 'unknown', docker_status: 'unknown' }))).toEqual({});
    expect(rules(h({ docker_enabled: false, docker_status: 'unknown' })).docker_unreachable!.active).toBe(false);
  });
});

describe('grace', () => {
  it('is due once the bad state lasted the grace', () => {
    expect(graceVerdict(1000, 10, 10_999)).toEqual({ due: false, atMs: 11_000 });
    expect(graceVerdict(1000, 10, 11_000).due).toBe(true);
    expect(graceVerdict(1000, 0, 1000).due).toBe(true);
  });
});

describe('notification decision', () => {
  const now = Date.parse('2025-01-01T03:00:00Z');
  const ago = (s: number) => new Date(now - s * 1000).toISOString();
  const opts = { nowMs: now, cooldownSeconds: 300, silencedUntilMs: null };

  it('sends "opened" once', () => {
    expect(notifyDecision({ state: 'open', notified_state: null, last_notified_at: null }, opts)).toEqual({ send: 'opened' });
    expect(notifyDecision({ state: 'open', notified_state: 'opened', last_notified_at: ago(1) }, opts)).toEqual({ send: null, retryAtMs: null });
  });

  it('holds a reopened alert until the cooldown since the last "opened" message passed', () => {
    expect(notifyDecision({ state: 'open', notified_state: 'resolved', last_notified_at: ago(100) }, opts)).toEqual({ send: null, retryAtMs: now + 200_000 });
    expect(notifyDecision({ state: 'open', notified_state: 'resolved', last_notified_at: ago(300) }, opts)).toEqual({ send: 'opened' });
  });

  it('holds everything while silenced, then sends', () => {
    const silenced = { ...opts, silencedUntilMs: now + 60_000 };
    expect(notifyDecision({ state: 'open', notified_state: null, last_notified_at: null }, silenced)).toEqual({ send: null, retryAtMs: now + 60_000 });
    expect(notifyDecision({ state: 'closed', notified_state: 'opened', last_notified_at: ago(5) }, silenced)).toEqual({ send: null, retryAtMs: now + 60_000 });
  });

  it('sends "resolved" only when "opened" went out', () => {
    expect(notifyDecision({ state: 'closed', notified_state: 'opened', last_notified_at: ago(5) }, opts)).toEqual({ send: 'resolved' });
    expect(notifyDecision({ state: 'closed', notified_state: null, last_notified_at: null }, opts)).toEqual({ send: null, retryAtMs: null });
    expect(notifyDecision({ state: 'closed', notified_state: 'resolved', last_notified_at: ago(5) }, opts)).toEqual({ send: null, retryAtMs: null });
  });

  it('sends no reminder for an acknowledged alert', () => {
    expect(notifyDecision({ state: 'acknowledged', notified_state: null, last_notified_at: null }, opts)).toEqual({ send: null, retryAtMs: null });
  });
});

describe('schedules', () => {
  it('backs off auto-restarts and delivery retries', () => {
    expect([0, 1, 2, 3, 20].map(autoRestartDelayMs)).toEqual([0, 5_000, 10_000, 20_000, 300_000]);
    expect([1, 2, 3, 4, 5].map(deliveryRetryDelayMs)).toEqual([5_000, 30_000, 120_000, 600_000, null]);
  });

  it('orders severities', () => {
    expect(severityAtLeast('critical', 'warning')).toBe(true);
    expect(severityAtLeast('warning', 'error')).toBe(false);
    expect(severityAtLeast('error', 'error')).toBe(true);
  });
});
