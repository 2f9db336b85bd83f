import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type NtfyReceiver, startNtfyReceiver } from '../support/receivers/index.js';
import { type Harness, eventually, removeDir, startAlerting } from './alerting-support.js';

// Alerts about subjects, whatever their source: the subject on every alert, the generic bus messages for every
// alert (the seed's docker_alert_* only for Docker ones), and silences given by subject key or by scope.

let h: Harness;
let ntfy: NtfyReceiver;
let hostId: number;

const openAlert = (target: string) =>
  eventually(async () => ((await h.api('GET', '/api/alerts?state=open')).body.alerts as any[]).find((a) => a.target === target), 5_000, `open ${target}`);
const about = (name: string) => (m: { message: string }) => m.message.startsWith(`${name}:`);
const typesFor = (id: number) => h.events.filter((e) => 'alert' in e && e.alert.id === id).map((e) => e.type);

beforeAll(async () => {
  ntfy = await startNtfyReceiver();
  h = await startAlerting({ HOMELAB_ALERT_GRACE: '0', HOMELAB_ALERT_COOLDOWN: '300' });
  hostId = await h.addHost('lab-subj');
  expect((await h.api('POST', '/api/notifications/channels', { body: { name: 'phone', kind: 'ntfy', config: { server_url: ntfy.url } } })).status).toBe(201);
});

afterAll(async () => {
  await h?.close();
  removeDir(h.dataDir);
  await ntfy?.close();
});

describe('subjects on alerts', () => {
  it('describes a container alert by its subject, and says so on the bus in both vocabularies', async () => {
    h.docker.set(hostId, 'subj-web');
    h.docker.set(hostId, 'subj-web', { state: 'exited' });
    const a = await openAlert(`docker:${hostId}:subj-web:down`);
    expect(a.subject).toEqual({ source: 'docker', kind: 'container', key: `docker:${hostId}:subj-web`, name: 'subj-web', scope: `host:${hostId}` });
    expect(a.target).toBe(`${a.subject.key}:down`);
    const ack = await h.api('POST', `/api/alerts/${a.id}/ack`, { role: 'operator', body: {} });
    expect(ack.body.subject).toEqual(a.subject);
    h.docker.set(hostId, 'subj-web', { state: 'running' });
    await eventually(async () => (await h.api('GET', `/api/alerts/${a.id}`)).body.state === 'closed');
    expect(typesFor(a.id)).toEqual(['alert_opened', 'docker_alert_opened', 'alert_updated', 'docker_alert_acknowledged', 'alert_closed', 'docker_alert_closed']);
  });

  it('sends only the generic messages for a host alert, and both for "docker unreachable" (a Docker alert)', async () => {
    const id = await h.addHost('lab-subj-b');
    await h.c.repos.hosts.update(id, { status: 'offline', status_reason: 'connect ETIMEDOUT' });
    h.c.bus.emit({ type: 'host_updated', host: (await h.c.hosts.get(id))! });
    const off = await openAlert(`host:${id}:offline`);
    expect(off.subject).toEqual({ source: 'host', kind: 'host', key: `host:${id}`, name: 'lab-subj-b', scope: `host:${id}` });
    expect(typesFor(off.id)).toEqual(['alert_opened']);
    expect((await h.api('GET', `/api/docker/alerts?host_id=${id}`)).body.alerts).toEqual([]);

    await h.c.repos.hosts.update(id, { status: 'online', status_reason: null, docker_status: 'unreachable', docker_status_reason: 'no daemon' });
    h.c.bus.emit({ type: 'host_updated', host: (await h.c.hosts.get(id))! });
    const dock = await openAlert(`host:${id}:docker`);
    expect(dock.subject.key).toBe(`host:${id}`);
    await eventually(async () => (await h.api('GET', `/api/alerts/${off.id}`)).body.state === 'closed');
    expect(typesFor(off.id)).toEqual(['alert_opened', 'alert_closed']);
    expect(typesFor(dock.id)).toEqual(['alert_opened', 'docker_alert_opened']);
  });
});

describe('silences on subjects and scopes', () => {
  it('silences one subject by key, or everything under a scope, and answers 422/404 for bad ones', async () => {
    const bad = async (body: unknown, status: number) => {
      const r = await h.api('POST', '/api/silences', { role: 'operator', body: { duration_minutes: 10, ...(body as object) } });
      expect(r.status, JSON.stringify(body)).toBe(status);
      expect(typeof r.body.error).toBe('string');
      expect(typeof r.body.message).toBe('string');
    };
    await bad({ subject_key: 'proxmox:1:vm' }, 422);
    await bad({ subject_key: 'docker:x:nginx' }, 422);
    await bad({ subject_key: `docker:${hostId}:../x` }, 422);
    await bad({ subject_key: 'docker:99999:nginx' }, 404);
    await bad({ scope: `docker:${hostId}:nginx` }, 422); // a container is not a scope
    await bad({ scope: 'host:99999' }, 404);
    await bad({ scope: `host:${hostId}`, host_id: hostId }, 422); // two ways at once
    await bad({ subject_key: `docker:${hostId}:a`, container_name: 'a' }, 422);
    await bad({}, 422);

    const s = await h.api('POST', '/api/silences', { role: 'operator', body: { subject_key: `docker:${hostId}:subj-quiet`, duration_minutes: 30 } });
    expect(s.status).toBe(201);
    expect(s.body).toMatchObject({ host_id: hostId, host_name: 'lab-subj', container_name: 'subj-quiet', subject_key: `docker:${hostId}:subj-quiet`, scope: `host:${hostId}`, active: true });
    h.docker.set(hostId, 'subj-quiet');
    h.docker.set(hostId, 'subj-quiet', { state: 'exited' });
    h.docker.set(hostId, 'subj-loud');
    h.docker.set(hostId, 'subj-loud', { state: 'exited' });
    await ntfy.waitFor(about('subj-loud'));
    expect((await openAlert(`docker:${hostId}:subj-quiet:down`)).last_notified_at).toBeNull();
    await ntfy.messages.noneWithin(500, about('subj-quiet'));

    const other = await h.addHost('lab-subj-c');
    const sc = await h.api('POST', '/api/silences', { role: 'operator', body: { scope: `host:${other}`, duration_minutes: 30, reason: 'rack move' } });
    expect(sc.status).toBe(201);
    expect(sc.body).toMatchObject({ host_id: other, host_name: 'lab-subj-c', container_name: null, subject_key: null, scope: `host:${other}`, reason: 'rack move' });
    h.docker.set(other, 'subj-any');
    h.docker.set(other, 'subj-any', { state: 'exited' });
    expect((await openAlert(`docker:${other}:subj-any:down`)).last_notified_at).toBeNull();
    await ntfy.messages.noneWithin(800, about('subj-any'));
    // ending the scope silence lets its held notification go out
    expect((await h.api('DELETE', `/api/silences/${sc.body.id}`, { role: 'operator' })).status).toBe(204);
    await ntfy.waitFor(about('subj-any'), 3_000);
    await ntfy.messages.noneWithin(500, about('subj-quiet'));
  });
});
