import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startNtfyReceiver, startWebhookReceiver, type NtfyReceiver, type WebhookReceiver } from '../support/receivers/index.js';
import { type Harness, eventually, removeDir, startAlerting } from './alerting-support.js';

// Delivery and durability of alerts: silences, auto-restart with its cap, a failing channel beside a working one,
// and a server restart with an alert open — real SQLite, real receivers, the engine fed through the event bus.

let h: Harness;
let ntfy: NtfyReceiver;
let hook: WebhookReceiver;
let hostId: number;
let ntfyChannel: number;

const alertFor = async (target: string, state = 'all') => ((await h.api('GET', `/api/alerts?state=${state}`)).body.alerts as any[]).filter((a) => a.target === target);
const about = (name: string) => (m: { message: string }) => m.message.startsWith(`${name}:`);
const opened = (name: string) => (m: { title?: string; message: string }) => !!m.title?.startsWith('🚨') && m.message.startsWith(`${name}:`);

beforeAll(async () => {
  ntfy = await startNtfyReceiver();
  hook = await startWebhookReceiver();
  h = await startAlerting({ HOMELAB_ALERT_GRACE: '0', HOMELAB_ALERT_COOLDOWN: '300', HOMELAB_ALERT_CHECK_INTERVAL: '1' });
  hostId = await h.addHost('lab-d');
  ntfyChannel = (await h.api('POST', '/api/notifications/channels', { body: { name: 'phone', kind: 'ntfy', config: { server_url: ntfy.url } } })).body.id;
  expect((await h.api('POST', '/api/notifications/channels', { body: { name: 'hook', kind: 'webhook', config: { url: hook.url } } })).status).toBe(201);
});

afterAll(async () => {
  await h?.close();
  removeDir(h.dataDir);
  await ntfy?.close();
  await hook?.close();
});

describe('silences', () => {
  it('lets alerts open and show while silenced, and sends their notification when the silence ends', async () => {
    expect((await h.api('POST', '/api/silences', { role: 'viewer', body: { host_id: hostId, duration_minutes: 5 } })).status).toBe(403);
    expect((await h.api('POST', '/api/silences', { role: 'operator', body: { host_id: 999, duration_minutes: 5 } })).status).toBe(404);
    expect((await h.api('POST', '/api/silences', { role: 'operator', body: { host_id: hostId, container_name: '../x', duration_minutes: 5 } })).status).toBe(422);
    const s = await h.api('POST', '/api/silences', { role: 'operator', body: { host_id: hostId, container_name: 'quiet', duration_minutes: 30, reason: 'disk swap' } });
    expect(s.status).toBe(201);
    expect(s.body).toMatchObject({ host_id: hostId, host_name: 'lab-d', container_name: 'quiet', reason: 'disk swap', created_by: 'operator', active: true });

    h.docker.set(hostId, 'quiet');
    h.docker.set(hostId, 'quiet', { state: 'exited' });
    const [a] = await eventually(async () => {
      const list = await alertFor(`docker:${hostId}:quiet:down`, 'open');
      return list.length ? list : null;
    });
    expect(a.last_notified_at).toBeNull();
    await ntfy.messages.noneWithin(1_500, about('quiet'));

    // another container of the same host is not silenced
    h.docker.set(hostId, 'loud');
    h.docker.set(hostId, 'loud', { state: 'exited' });
    await ntfy.waitFor(opened('loud'));

    expect((await h.api('GET', '/api/silences', { role: 'viewer' })).body.silences.map((x: any) => x.id)).toContain(s.body.id);
    expect((await h.api('DELETE', `/api/silences/${s.body.id}`, { role: 'operator' })).status).toBe(204);
    expect((await h.api('DELETE', `/api/silences/${s.body.id}`, { role: 'operator' })).status).toBe(409);
    const m = await ntfy.waitFor(opened('quiet'), 3_000);
    expect(m.message).toBe('quiet: Container quiet is exited, expected running');
    expect((await h.api('GET', '/api/silences')).body.silences.map((x: any) => x.id)).not.toContain(s.body.id);
    expect((await h.api('GET', '/api/silences?all=true')).body.silences.find((x: any) => x.id === s.body.id).active).toBe(false);
  });

  it('sends nothing for an alert that opened and closed within the silence', async () => {
    const s = await h.api('POST', '/api/silences', { role: 'operator', body: { host_id: hostId, container_name: 'blip', duration_minutes: 30 } });
    h.docker.set(hostId, 'blip');
    h.docker.set(hostId, 'blip', { state: 'exited' });
    await eventually(async () => (await alertFor(`docker:${hostId}:blip:down`, 'open')).length === 1);
    h.docker.set(hostId, 'blip', { state: 'running' });
    await eventually(async () => (await alertFor(`docker:${hostId}:blip:down`, 'closed')).length === 1);
    await h.api('DELETE', `/api/silences/${s.body.id}`, { role: 'operator' });
    await ntfy.messages.noneWithin(1_500, about('blip'));
  });
});

describe('auto-restart', () => {
  it('restarts a container that went down, as the system user, and opens no alert when that brings it back', async () => {
    h.docker.set(hostId, 'selfheal', { labels: { 'homelab.monitor': 'true', 'homelab.auto_restart': 'true', 'homelab.grace': '3' } });
    h.docker.set(hostId, 'selfheal', { state: 'exited' });
    await eventually(() => h.docker.restarts.some((r) => r.ref === 'selfheal'));
    expect(h.docker.restarts.find((r) => r.ref === 'selfheal')).toEqual({ hostId, ref: 'selfheal', requestedBy: 'system' });
    const tasks = await h.c.tasks.list({ host_id: hostId, target: 'selfheal' });
    expect(tasks[0]).toMatchObject({ action: 'docker.container.restart', requested_by: 'system' });
    await eventually(async () => (await h.docker.listContainers(hostId)).find((c) => c.name === 'selfheal')?.state === 'running');
    await ntfy.messages.noneWithin(4_000, about('selfheal'));
    expect(await alertFor(`docker:${hostId}:selfheal:down`)).toEqual([]);
  });

  it('backs off, stops after the cap and says so in the alert', async () => {
    h.docker.restartOutcome = 'exited'; // the restart "works" but the container dies again at once
    try {
      h.docker.set(hostId, 'crashy', { labels: { 'homelab.monitor': 'true', 'homelab.auto_restart': 'true', 'homelab.auto_restart.max': '2', 'homelab.grace': '1' } });
      const t0 = Date.now();
      h.docker.set(hostId, 'crashy', { state: 'exited' });
      const gaveUp = await eventually(
        async () => (await alertFor(`docker:${hostId}:crashy:down`, 'open')).find((a) => a.message.includes('gave up')),
        15_000,
        'the alert saying auto-restart gave up',
      );
      expect(gaveUp.message).toBe('Container crashy is exited, expected running — auto-restart gave up after 2 attempts in 10 min');
      const attempts = h.docker.restarts.filter((r) => r.ref === 'crashy');
      expect(attempts).toHaveLength(2);
      expect(Date.now() - t0).toBeGreaterThanOrEqual(5_000); // the second attempt waited its backoff
      await new Promise((r) => setTimeout(r, 6_000));
      await h.alerting.sweep();
      expect(h.docker.restarts.filter((r) => r.ref === 'crashy')).toHaveLength(2);
    } finally {
      h.docker.restartOutcome = 'running';
    }
  }, 40_000);

  it('leaves alone a container an operator stopped from the dashboard', async () => {
    h.docker.set(hostId, 'parked', { labels: { 'homelab.monitor': 'true', 'homelab.auto_restart': 'true', 'homelab.grace': '1' } });
    await h.c.tasks.run({ action: 'docker.container.stop', host_id: hostId, target: 'parked', requested_by: 'operator' }, async () => {
      h.docker.set(hostId, 'parked', { state: 'exited' });
      return { value: null };
    });
    await ntfy.waitFor(opened('parked'), 4_000); // the alert it would raise still opens
    expect(h.docker.restarts.filter((r) => r.ref === 'parked')).toEqual([]);
  });
});

describe('channels fail independently', () => {
  it('delivers to the webhook while ntfy fails, shows the ntfy error, and retries it with backoff', async () => {
    ntfy.fail({ status: 503, body: { code: 50301, http: 503, error: 'service unavailable' } }, 1);
    h.docker.set(hostId, 'split');
    h.docker.set(hostId, 'split', { state: 'exited' });
    const d = await hook.waitFor((x) => (x.json as any)?.alert?.target === `docker:${hostId}:split:down`, 3_000);
    expect((d.json as any).event).toBe('alert_opened');
    const ch = await eventually(async () => {
      const c = (await h.api('GET', `/api/notifications/channels/${ntfyChannel}`)).body;
      return c.last_error ? c : null;
    });
    expect(ch.last_error).toContain('503');
    expect(ch.last_error_at).not.toBeNull();
    // the alert itself is unaffected
    expect((await alertFor(`docker:${hostId}:split:down`, 'open'))[0].last_notified_at).not.toBeNull();
    const m = await ntfy.waitFor(opened('split'), 9_000); // first retry after 5 s
    expect(m.receivedAt - d.receivedAt).toBeGreaterThanOrEqual(4_500);
    const after = (await h.api('GET', `/api/notifications/channels/${ntfyChannel}`)).body;
    expect(Date.parse(after.last_success_at)).toBeGreaterThan(Date.parse(after.last_error_at));
  }, 20_000);

  it('gives up at once on an error that retrying cannot fix', async () => {
    ntfy.fail({ status: 400, body: { code: 40009, http: 400, error: 'invalid request: topic invalid' } }, 1);
    const before = ntfy.requests.length;
    h.docker.set(hostId, 'bad-topic');
    h.docker.set(hostId, 'bad-topic', { state: 'exited' });
    await hook.waitFor((x) => (x.json as any)?.alert?.target === `docker:${hostId}:bad-topic:down`, 3_000);
    await eventually(async () => (await h.api('GET', `/api/notifications/channels/${ntfyChannel}`)).body.last_error?.includes('topic invalid'));
    await new Promise((r) => setTimeout(r, 6_000));
    expect(ntfy.requests.length - before).toBe(1);
    expect(ntfy.messages.count(about('bad-topic'))).toBe(0);
  }, 15_000);
});

describe('server restart', () => {
  it('keeps an open alert open, neither duplicated nor notified again, and keeps a grace clock running', async () => {
    h.docker.set(hostId, 'durable');
    h.docker.set(hostId, 'durable', { state: 'exited' });
    await ntfy.waitFor(opened('durable'));
    const [before] = await alertFor(`docker:${hostId}:durable:down`, 'open');
    // a condition mid-grace when the server stops
    h.docker.set(hostId, 'slowpoke', { labels: { 'homelab.monitor': 'true', 'homelab.grace': '4' } });
    h.docker.set(hostId, 'slowpoke', { state: 'exited' });
    await new Promise((r) => setTimeout(r, 300));
    const stoppedAt = Date.now();

    h = await h.restart();
    // the Docker area re-announces what it collects after a restart
    h.docker.set(hostId, 'durable', { status: 'Exited (1) 1 minute ago' });
    await h.alerting.sweep();
    const after = await alertFor(`docker:${hostId}:durable:down`, 'all');
    expect(after).toHaveLength(1);
    expect(after[0]).toMatchObject({ id: before.id, state: 'open', occurrences: 1, last_notified_at: before.last_notified_at });
    await ntfy.messages.noneWithin(1_500, about('durable'));

    // the grace counted from before the restart: the alert opens ~4 s after the exit, not 4 s after the restart
    const m = await ntfy.waitFor(opened('slowpoke'), 6_000);
    expect(m.receivedAt - stoppedAt).toBeLessThan(5_500);
    h.docker.set(hostId, 'durable', { state: 'running' });
    await ntfy.waitFor((x) => x.title?.startsWith('✅') === true && x.message.startsWith('durable:'));
  }, 30_000);
});
