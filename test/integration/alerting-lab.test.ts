import { dirname } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sharedLab, startLab, type Lab, type LabHost } from '../lab/index.js';
import { startTestServer, type TestServer } from '../support/app.js';
import { startNtfyReceiver, startWebhookReceiver, type NtfyReceiver, type WebhookReceiver } from '../support/receivers/index.js';
import { docker, enableHost, stateOf, until } from './docker-support.js';

// End to end on a private lab host (real sshd + dockerd; its dockerd is stopped by the last test): the real server
// with collection and the `docker events` stream, the zero-config ntfy channel from HOMELAB_NTFY_URL pointing at a
// loopback ntfy receiver, and `docker` run straight on the host's socket, behind the dashboard's back.

let lab: Lab;
let h: LabHost;
let ts: TestServer;
let ntfy: NtfyReceiver;
let hook: WebhookReceiver;
let hostId: number;

const COOLDOWN_S = 4;
const monitored = (...extra: string[]) => ['--label', 'homelab.monitor=true', ...extra.flatMap((l) => ['--label', l])];
const run = async (name: string, labels: string[], cmd = ['sh', '-c', 'while true; do sleep 1; done'], extra: string[] = []) => {
  await h.docker(['rm', '-f', name]);
  await docker(h, ['run', '-d', '--name', name, '--init', ...labels, ...extra, 'homelab/busybox:1', ...cmd]);
};
const alerts = async (name: string, state = 'all') =>
  ((await ts.api('GET', `/api/docker/alerts?host_id=${hostId}&state=${state}`, { role: 'viewer' })).body.alerts as any[]).filter((a) => a.container_name === name);
const about = (name: string) => (m: { message: string }) => m.message.startsWith(`${name}:`);
const opened = (name: string) => (m: { title?: string; message: string }) => !!m.title?.startsWith('🚨') && m.message.startsWith(`${name}:`);
const resolved = (name: string) => (m: { title?: string; message: string }) => !!m.title?.startsWith('✅') && m.message.startsWith(`${name}:`);

beforeAll(async () => {
  // a private host (its dockerd gets stopped), in the shared lab's root: same client key and image
  const root = dirname(dirname(sharedLab().clientKeyPath));
  [lab, ntfy, hook] = await Promise.all([startLab({ hosts: 1, firstIndex: 40, seed: false, root }), startNtfyReceiver(), startWebhookReceiver()]);
  h = lab.hosts[0]!;
  ts = await startTestServer({
    sshKeyFile: lab.clientKeyPath,
    scheduler: true,
    env: {
      HOMELAB_NTFY_URL: ntfy.url,
      HOMELAB_ALERT_GRACE: '0',
      HOMELAB_ALERT_COOLDOWN: String(COOLDOWN_S),
      HOMELAB_DOCKER_COLLECT_INTERVAL: '10',
    },
  });
  ({ id: hostId } = await enableHost(ts, 'al-1', h));
  // a second channel that is down for the whole file: it must never hold the ntfy one back
  hook.fail({ status: 500 });
  expect((await ts.api('POST', '/api/notifications/channels', { body: { name: 'broken hook', kind: 'webhook', config: { url: hook.url } } })).status).toBe(201);
  await until('the docker events stream', async () => (await ts.api('GET', `/api/docker/hosts/${hostId}/containers`)).status === 200, 20_000);
  await new Promise((r) => setTimeout(r, 1_500)); // the stream's catch-up collection
}, 180_000);

afterAll(async () => {
  await ts?.destroy();
  await lab?.stop();
  await ntfy?.close();
  await hook?.close();
});

describe('a monitored container on a real host', () => {
  it('docker kill opens an alert and notifies ntfy within 5 s; docker start closes it with a resolved message', async () => {
    await run('nginx', monitored('homelab.desired=running'));
    await until('nginx collected', async () => (await ts.api('GET', `/api/docker/hosts/${hostId}/containers`)).body.containers.some((c: any) => c.name === 'nginx' && c.state === 'running'));
    const t0 = Date.now();
    await docker(h, ['kill', 'nginx']);
    const m = await ntfy.waitFor(opened('nginx'), 5_000);
    expect(m.receivedAt - t0).toBeLessThan(5_000);
    expect(m).toMatchObject({ title: '🚨 Docker Alert - al-1', message: 'nginx: Container nginx is exited, expected running', priority: 4, topic: 'homelab-docker' });
    const [a] = await alerts('nginx', 'open');
    expect(a).toMatchObject({ rule: 'container_down', severity: 'error', state: 'open', host_name: 'al-1' });
    // the failing webhook was tried and shows its error, without delaying ntfy
    await until('the webhook error on its channel', async () => (await ts.api('GET', '/api/notifications/channels')).body.channels.find((c: any) => c.name === 'broken hook').last_error);

    await docker(h, ['start', 'nginx']);
    const r = await ntfy.waitFor(resolved('nginx'), 5_000);
    expect(r.title).toBe('✅ Resolved - al-1');
    expect((await alerts('nginx', 'closed'))[0]).toMatchObject({ id: a.id, state: 'closed' });
  });

  it('warns when its health check fails', async () => {
    await run('sickly', monitored(), undefined, ['--health-cmd', 'false', '--health-interval', '1s', '--health-retries', '1']);
    const m = await ntfy.waitFor(opened('sickly'), 15_000);
    expect(m.message).toBe('sickly: Container sickly health check failing');
    expect((await alerts('sickly', 'open'))[0]).toMatchObject({ rule: 'container_unhealthy', severity: 'warning' });
  });

  it('is acknowledged by an operator', async () => {
    const [a] = await alerts('sickly', 'open');
    const r = await ts.api('POST', `/api/docker/alerts/${a.id}/ack`, { role: 'operator', body: { comment: 'looking' } });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ state: 'acknowledged', acknowledged_by: 'operator', ack_comment: 'looking' });
    await h.docker(['rm', '-f', 'sickly']);
  });

  it('flaps into one alert with a count, notified once within the cooldown and again after it', async () => {
    await run('flappy', monitored());
    await until('flappy collected', async () => (await alerts('flappy')).length === 0 && (await ts.api('GET', `/api/docker/hosts/${hostId}/containers`)).body.containers.some((c: any) => c.name === 'flappy' && c.state === 'running'));
    await docker(h, ['kill', 'flappy']);
    await ntfy.waitFor(opened('flappy'));
    await docker(h, ['start', 'flappy']);
    await ntfy.waitFor(resolved('flappy'));
    await docker(h, ['kill', 'flappy']);
    const a = await until('the reopened alert', async () => (await alerts('flappy', 'open')).find((x) => x.occurrences === 2));
    expect(await alerts('flappy')).toHaveLength(1);
    expect(ntfy.messages.count(opened('flappy'))).toBe(1);
    const [, again] = await ntfy.messages.waitForCount(2, opened('flappy'), COOLDOWN_S * 1000 + 3_000);
    expect(again!.message).toContain('(occurrence 2)');
    expect(a.id).toBe((await alerts('flappy', 'open'))[0].id);
  });

  it('stays open across a server restart, neither duplicated nor notified again', async () => {
    const before = await alerts('flappy', 'open');
    expect(before).toHaveLength(1);
    const sent = ntfy.messages.count(about('flappy'));
    ts = await ts.restart();
    await until('collection after the restart', async () => (await ts.api('GET', `/api/docker/hosts/${hostId}/containers`)).body.containers.length > 0);
    await ntfy.messages.noneWithin(3_000, about('flappy'));
    const after = await alerts('flappy');
    expect(after).toHaveLength(1);
    expect(after[0]).toMatchObject({ id: before[0].id, state: 'open', occurrences: 2, last_notified_at: before[0].last_notified_at });
    expect(ntfy.messages.count(about('flappy'))).toBe(sent);
    await h.docker(['rm', '-f', 'flappy']);
  });
});

describe('auto-restart on a real host', () => {
  const systemRestarts = async (name: string) =>
    ((await ts.api('GET', `/api/tasks?host_id=${hostId}&limit=100`)).body.tasks as any[]).filter((t) => t.target === name && t.requested_by === 'system' && t.action === 'docker.container.restart');

  it('brings a killed container back, as a task of the system user', async () => {
    await run('healer', monitored('homelab.auto_restart=true', 'homelab.grace=5'));
    await until('healer collected', async () => (await ts.api('GET', `/api/docker/hosts/${hostId}/containers`)).body.containers.some((c: any) => c.name === 'healer' && c.state === 'running'));
    const first = (await stateOf(h, 'healer'))!.startedAt;
    await docker(h, ['kill', 'healer']);
    await until('healer running again', async () => {
      const s = await stateOf(h, 'healer');
      return s?.running && s.startedAt !== first;
    }, 15_000);
    expect((await systemRestarts('healer')).length).toBeGreaterThanOrEqual(1);
    await ntfy.messages.noneWithin(2_000, opened('healer'));
  });

  it('gives up after homelab.auto_restart.max attempts and says so in the alert', async () => {
    await run('crasher', monitored('homelab.auto_restart=true', 'homelab.auto_restart.max=2', 'homelab.grace=1'), ['sh', '-c', 'sleep 2; exit 1']);
    const a = await until('the alert saying it gave up', async () => (await alerts('crasher', 'open')).find((x) => x.message.includes('gave up')), 45_000, 250);
    expect(a.message).toBe('Container crasher is exited, expected running — auto-restart gave up after 2 attempts in 10 min');
    expect(await systemRestarts('crasher')).toHaveLength(2);
    await new Promise((r) => setTimeout(r, 8_000));
    expect(await systemRestarts('crasher')).toHaveLength(2);
    expect((await stateOf(h, 'crasher'))!.running).toBe(false);
  }, 70_000);
});

describe('host rules on a real host', () => {
  it('opens a host alert when dockerd stops, and closes it when it is back', async () => {
    await h.stopDocker();
    try {
      const m = await ntfy.waitFor((x) => x.title === '🚨 Host Alert - al-1', 30_000);
      expect(m.message).toMatch(/^Docker daemon unreachable on al-1/);
      const [a] = (await ts.api('GET', `/api/alerts?host_id=${hostId}&state=open`)).body.alerts.filter((x: any) => x.source === 'host');
      expect(a).toMatchObject({ rule: 'docker_unreachable', target: `host:${hostId}:docker` });
    } finally {
      await h.startDocker();
    }
    await ntfy.waitFor((x) => x.title === '✅ Resolved - al-1' && x.message.includes('Docker daemon unreachable'), 30_000);
  }, 80_000);
});
