import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startNtfyReceiver, startWebhookReceiver, type NtfyReceiver, type WebhookReceiver } from '../support/receivers/index.js';
import { type Harness, eventually, removeDir, startAlerting } from './alerting-support.js';

// The alert engine driven through the event bus as the Docker and host areas drive it, on real SQLite, with real
// ntfy and webhook receivers on loopback. Each test uses its own container names, so alerts never mix.

let h: Harness;
let ntfy: NtfyReceiver;
let hook: WebhookReceiver;
let hostId: number;

const alertsOf = async (state = 'all', role: 'viewer' | 'admin' = 'viewer') => (await h.api('GET', `/api/alerts?state=${state}`, { role })).body.alerts as any[];
const alertFor = async (target: string, state = 'all') => (await alertsOf(state)).filter((a) => a.target === target);
const titled = (prefix: string, name: string) => (m: { title?: string; message: string }) => !!m.title?.startsWith(prefix) && m.message.startsWith(`${name}:`);

beforeAll(async () => {
  ntfy = await startNtfyReceiver({ token: 'tk_alerts' });
  hook = await startWebhookReceiver({ secret: 'hmac-secret' });
  h = await startAlerting({ HOMELAB_ALERT_GRACE: '0', HOMELAB_ALERT_COOLDOWN: '3', HOMELAB_ALERT_CHECK_INTERVAL: '1' });
  hostId = await h.addHost('lab-a');
  for (const body of [
    { name: 'phone', kind: 'ntfy', config: { server_url: ntfy.url, topic: 'homelab-docker', token: 'tk_alerts' } },
    { name: 'hook', kind: 'webhook', config: { url: `${hook.url}/hook`, secret: 'hmac-secret' } },
  ]) {
    const r = await h.api('POST', '/api/notifications/channels', { body });
    expect(r.status).toBe(201);
  }
});

afterAll(async () => {
  await h?.close();
  removeDir(h.dataDir);
  await ntfy?.close();
  await hook?.close();
});

afterEach(() => {
  h.docker.restartOutcome = 'running';
});

describe('container down', () => {
  it('opens an error alert when a monitored container exits, notifies every channel, and closes with a resolved message', async () => {
    h.docker.set(hostId, 'nginx');
    h.docker.set(hostId, 'nginx', { state: 'exited', status: 'Exited (137) 1 second ago' });

    const opened = await ntfy.waitFor(titled('🚨', 'nginx'), 5_000);
    expect(opened).toMatchObject({ title: '🚨 Docker Alert - lab-a', message: 'nginx: Container nginx is exited, expected running', priority: 4, topic: 'homelab-docker' });
    expect(opened.tags).toEqual(expect.arrayContaining(['warning', 'docker']));
    expect(opened.authorization).toBe('Bearer tk_alerts');
    const delivery = await hook.waitFor((d) => (d.json as any)?.event === 'alert_opened' && (d.json as any)?.alert?.target === `docker:${hostId}:nginx:down`);
    expect(delivery.signatureValid).toBe(true);

    const [alert] = await alertFor(`docker:${hostId}:nginx:down`, 'open');
    expect(alert).toMatchObject({ source: 'docker', rule: 'container_down', severity: 'error', state: 'open', host_name: 'lab-a', container_name: 'nginx', occurrences: 1 });
    expect(alert.last_notified_at).not.toBeNull();
    expect(h.events.some((e) => e.type === 'docker_alert_opened' && e.alert.id === alert.id)).toBe(true);
    const docker = (await h.api('GET', `/api/docker/alerts?host_id=${hostId}`, { role: 'viewer' })).body.alerts;
    expect(docker.map((a: any) => a.id)).toContain(alert.id);

    h.docker.set(hostId, 'nginx', { state: 'running', status: 'Up 1 second' });
    const resolved = await ntfy.waitFor(titled('✅', 'nginx'), 5_000);
    expect(resolved.title).toBe('✅ Resolved - lab-a');
    expect(resolved.priority).toBe(3);
    const [closed] = await alertFor(`docker:${hostId}:nginx:down`, 'closed');
    expect(closed).toMatchObject({ id: alert.id, state: 'closed' });
    expect(closed.closed_at).not.toBeNull();
    expect(h.events.some((e) => e.type === 'docker_alert_closed' && e.alert.id === alert.id)).toBe(true);
  });

  it('opens nothing for a container that is not monitored, or whose desired state is stopped', async () => {
    h.docker.set(hostId, 'scratch', { labels: {} });
    h.docker.set(hostId, 'scratch', { state: 'exited' });
    h.docker.set(hostId, 'batch', { labels: { 'homelab.monitor': 'true', 'homelab.desired': 'stopped' }, state: 'exited' });
    await ntfy.messages.noneWithin(1_500, (m) => m.message.startsWith('scratch:') || m.message.startsWith('batch:'));
    expect(await alertFor(`docker:${hostId}:scratch:down`)).toEqual([]);
    expect(await alertFor(`docker:${hostId}:batch:down`)).toEqual([]);
  });

  it('closes the alert of a container whose homelab.monitor label is taken off', async () => {
    h.docker.set(hostId, 'unlabel');
    h.docker.set(hostId, 'unlabel', { state: 'exited' });
    await ntfy.waitFor(titled('🚨', 'unlabel'));
    h.docker.set(hostId, 'unlabel', { labels: {} });
    await eventually(async () => (await alertFor(`docker:${hostId}:unlabel:down`, 'closed')).length === 1);
  });

  it('warns when a running monitored container turns unhealthy, and closes when healthy again', async () => {
    h.docker.set(hostId, 'api', { health: 'starting' });
    h.docker.set(hostId, 'api', { health: 'unhealthy' });
    const m = await ntfy.waitFor(titled('🚨', 'api'), 5_000);
    expect(m.message).toBe('api: Container api health check failing');
    const [a] = await alertFor(`docker:${hostId}:api:unhealthy`, 'open');
    expect(a).toMatchObject({ severity: 'warning', rule: 'container_unhealthy' });
    h.docker.set(hostId, 'api', { health: 'healthy' });
    await eventually(async () => (await alertFor(`docker:${hostId}:api:unhealthy`, 'closed')).length === 1);
  });

  it('keeps one open alert per target however many events repeat the bad state', async () => {
    h.docker.set(hostId, 'dup');
    for (let i = 0; i < 5; i++) h.docker.set(hostId, 'dup', { state: 'exited', status: `Exited ${i}` });
    await Promise.all([h.alerting.sweep(), h.alerting.sweep()]);
    await ntfy.waitFor(titled('🚨', 'dup'));
    await ntfy.messages.noneWithin(1_000, titled('🚨', 'dup'));
    expect(await alertFor(`docker:${hostId}:dup:down`, 'all')).toHaveLength(1);
  });
});

describe('acknowledge', () => {
  it('lets an operator acknowledge an open alert with a comment, refuses viewers and closed alerts', async () => {
    h.docker.set(hostId, 'ackme');
    h.docker.set(hostId, 'ackme', { state: 'exited' });
    const [a] = await eventually(async () => {
      const list = await alertFor(`docker:${hostId}:ackme:down`, 'open');
      return list.length ? list : null;
    });
    expect((await h.api('POST', `/api/docker/alerts/${a.id}/ack`, { role: 'viewer', body: {} })).status).toBe(403);
    const r = await h.api('POST', `/api/docker/alerts/${a.id}/ack`, { role: 'operator', body: { comment: 'disk replaced tomorrow' } });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ state: 'acknowledged', acknowledged_by: 'operator', ack_comment: 'disk replaced tomorrow' });
    expect(h.events.some((e) => e.type === 'docker_alert_acknowledged' && e.alert.id === a.id)).toBe(true);
    // "open" lists acknowledged alerts too
    expect((await alertFor(`docker:${hostId}:ackme:down`, 'open'))[0].state).toBe('acknowledged');
    expect((await alertFor(`docker:${hostId}:ackme:down`, 'acknowledged'))).toHaveLength(1);

    h.docker.set(hostId, 'ackme', { state: 'running' });
    await eventually(async () => (await alertFor(`docker:${hostId}:ackme:down`, 'closed')).length === 1);
    const again = await h.api('POST', `/api/docker/alerts/${a.id}/ack`, { role: 'operator' });
    expect(again.status).toBe(409);
    expect(again.body.error).toBe('alert_closed');
    expect((await h.api('POST', '/api/docker/alerts/999999/ack', { role: 'operator' })).status).toBe(404);
  });
});

describe('grace', () => {
  it('opens nothing when the container is back within its grace, and opens at the end of the grace without any new event', async () => {
    h.docker.set(hostId, 'graceful', { labels: { 'homelab.monitor': 'true', 'homelab.grace': '2' } });
    h.docker.set(hostId, 'graceful', { state: 'exited' });
    await new Promise((r) => setTimeout(r, 500));
    h.docker.set(hostId, 'graceful', { state: 'running' });
    await new Promise((r) => setTimeout(r, 2_500));
    expect(await alertFor(`docker:${hostId}:graceful:down`)).toEqual([]);

    const killedAt = Date.now();
    h.docker.set(hostId, 'graceful', { state: 'exited' });
    const m = await ntfy.waitFor(titled('🚨', 'graceful'), 6_000);
    const delay = m.receivedAt - killedAt;
    expect(delay).toBeGreaterThanOrEqual(2_000);
    expect(delay).toBeLessThan(4_000);
  });
});

describe('flapping and cooldown', () => {
  it('reopens the same alert with a count, and notifies again only after the cooldown', async () => {
    const target = `docker:${hostId}:flappy:down`;
    h.docker.set(hostId, 'flappy');
    h.docker.set(hostId, 'flappy', { state: 'exited' });
    await ntfy.waitFor(titled('🚨', 'flappy'));
    h.docker.set(hostId, 'flappy', { state: 'running' });
    await ntfy.waitFor(titled('✅', 'flappy'));
    h.docker.set(hostId, 'flappy', { state: 'exited' });
    h.docker.set(hostId, 'flappy', { state: 'running' });
    h.docker.set(hostId, 'flappy', { state: 'exited' });

    const rows = await eventually(async () => {
      const list = await alertFor(target, 'all');
      return list[0]?.occurrences === 3 && list[0].state === 'open' ? list : null;
    });
    expect(rows).toHaveLength(1); // one alert with a count, not a row per bounce
    // within the 3 s cooldown: nothing more than the first "opened" and its "resolved"
    expect(ntfy.messages.count((m) => m.message.startsWith('flappy:'))).toBe(2);
    // after the cooldown, still down: one reminder carrying the count
    const [, second] = await ntfy.messages.waitForCount(2, titled('🚨', 'flappy'), 5_000);
    expect(second!.message).toContain('(occurrence 3)');
    await ntfy.messages.noneWithin(1_500, titled('🚨', 'flappy'));
  });
});

describe('deploy-aware', () => {
  it('raises no down alert while a dashboard task runs on the container, and does once it ended', async () => {
    h.docker.set(hostId, 'web', { labels: { 'homelab.monitor': 'true', 'homelab.grace': '1' } });
    let release!: () => void;
    const task = h.c.tasks.run({ action: 'docker.container.stop', host_id: hostId, target: 'web', requested_by: 'operator' }, async () => {
      h.docker.set(hostId, 'web', { state: 'exited' });
      await new Promise<void>((r) => (release = r));
      return { value: null };
    });
    await eventually(() => !!release);
    await new Promise((r) => setTimeout(r, 2_000)); // longer than the grace
    await h.alerting.sweep();
    expect(await alertFor(`docker:${hostId}:web:down`)).toEqual([]);
    release();
    await task;
    const m = await ntfy.waitFor(titled('🚨', 'web'), 4_000);
    expect(m.message).toBe('web: Container web is exited, expected running');
  });

  it('holds the containers of a compose project while a compose action runs', async () => {
    h.docker.set(hostId, 'stack-db', { compose_project: 'stack', labels: { 'homelab.monitor': 'true', 'com.docker.compose.project': 'stack' } });
    let release!: () => void;
    const task = h.c.tasks.run({ action: 'docker.compose.restart', host_id: hostId, target: 'stack', requested_by: 'operator' }, async () => {
      h.docker.set(hostId, 'stack-db', { state: 'exited' });
      await new Promise<void>((r) => (release = r));
      h.docker.set(hostId, 'stack-db', { state: 'running' });
      return { value: null };
    });
    await eventually(() => !!release);
    await new Promise((r) => setTimeout(r, 800));
    release();
    await task;
    await ntfy.messages.noneWithin(1_000, (m) => m.message.startsWith('stack-db:'));
    expect(await alertFor(`docker:${hostId}:stack-db:down`)).toEqual([]);
  });
});

describe('missing containers', () => {
  it('opens a critical alert when a monitored container disappears, closed when it is back', async () => {
    h.docker.set(hostId, 'vanish');
    h.docker.remove(hostId, 'vanish');
    const m = await ntfy.waitFor(titled('🚨', 'vanish'));
    expect(m.priority).toBe(5);
    const [a] = await alertFor(`docker:${hostId}:vanish:missing`, 'open');
    expect(a).toMatchObject({ severity: 'critical', rule: 'container_missing' });
    h.docker.set(hostId, 'vanish');
    await eventually(async () => (await alertFor(`docker:${hostId}:vanish:missing`, 'closed')).length === 1);
  });

  it('opens nothing when an operator removed it from the dashboard', async () => {
    h.docker.set(hostId, 'retired');
    await h.c.tasks.run({ action: 'docker.container.remove', host_id: hostId, target: 'retired', requested_by: 'admin' }, async () => {
      h.docker.remove(hostId, 'retired');
      return { value: null };
    });
    await ntfy.messages.noneWithin(1_500, (m) => m.message.startsWith('retired:'));
    expect(await alertFor(`docker:${hostId}:retired:missing`)).toEqual([]);
  });
});

describe('restart loop', () => {
  it('alerts when RestartCount rises 3 times within the window', async () => {
    h.docker.set(hostId, 'loopy', { restart_count: 0 });
    for (const n of [1, 2, 3]) h.docker.set(hostId, 'loopy', { restart_count: n });
    const m = await ntfy.waitFor(titled('🚨', 'loopy'));
    expect(m.message).toBe('loopy: Container loopy restarted 3 times in 10 min (restart loop)');
  });
});

describe('host rules', () => {
  it('opens "host offline" and "docker unreachable" on the host, and closes them when it is back', async () => {
    const id = await h.addHost('lab-b');
    const host = (await h.c.hosts.get(id))!;
    // as the host and Docker areas do: the row is written, then the change is announced (the safety net reads rows)
    const announce = async (patch: { status?: string; status_reason?: string | null; docker_status?: string; docker_status_reason?: string | null }) => {
      await h.c.repos.hosts.update(id, patch);
      const now = (await h.c.hosts.get(id))!;
      if (patch.status) h.c.bus.emit({ type: 'host_updated', host: now });
      else h.c.bus.emit({ type: 'docker_host_updated', host: { ...summary, docker_status: now.docker_status, docker_status_reason: now.docker_status_reason } });
    };
    const summary = { id, name: 'lab-b', host: '127.0.0.1', transport: 'ssh' as const, status: 'online' as const, groups: [], docker_enabled: true, docker_version: null, docker_last_collect_at: null, containers_running: 0, containers_total: 0, open_alerts: 0, capabilities: { redeploy: true, compose_actions: true, host_metrics: true, prune: [], live_logs: true } };
    expect(host.status).toBe('online');
    await announce({ status: 'offline', status_reason: 'connect ECONNREFUSED' });
    const m = await ntfy.waitFor((x) => x.title === '🚨 Host Alert - lab-b');
    expect(m.message).toBe('Host lab-b is offline: connect ECONNREFUSED');
    await announce({ status: 'online', status_reason: null });
    await ntfy.waitFor((x) => x.title === '✅ Resolved - lab-b');

    await announce({ docker_status: 'unreachable', docker_status_reason: 'Cannot connect to the Docker daemon' });
    const d = await ntfy.waitFor((x) => x.message.startsWith('Docker daemon unreachable on lab-b'));
    expect(d.title).toBe('🚨 Host Alert - lab-b');
    const [a] = (await h.api('GET', `/api/docker/alerts?host_id=${id}`)).body.alerts;
    expect(a).toMatchObject({ source: 'host', rule: 'docker_unreachable', target: `host:${id}:docker` });
    await announce({ docker_status: 'online', docker_status_reason: null });
    await eventually(async () => (await h.api('GET', `/api/alerts?host_id=${id}&state=open`)).body.alerts.length === 0);
  });
});
