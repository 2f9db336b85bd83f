// Container, compose and prune actions through the API against a real lab host: each changes the REAL container (read
// back from the host's own socket), answers {success, task_id, container}, leaves a task row and a timeline entry, and
// actions on one container are serialized. The host is re-seeded afterwards for the other files.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SEED, sharedLab, type Lab, type LabHost } from '../lab/index.js';
import { startTestServer, type TestServer } from '../support/app.js';
import { WsTestClient } from '../support/ws-client.js';
import { docker, dockerJsonLines, enableHost, runLoop, stateOf, wsAfter } from './docker-support.js';

let ts: TestServer;
let lab: Lab;
let h: LabHost;
let hostId: number;

beforeAll(async () => {
  lab = sharedLab();
  h = lab.hosts[0]!;
  ts = await startTestServer({ sshKeyFile: lab.clientKeyPath });
  await runLoop(h, 'act-target');
  ({ id: hostId } = await enableHost(ts, 'act-1', h));
});
afterAll(async () => {
  await ts?.destroy();
  for (const n of ['act-target', 'act-a', 'act-b', 'prune-me', ...Array.from({ length: 12 }, (_, i) => `act-pad-${i}`)]) await h?.docker(['rm', '-f', n]);
  // Actions stopped, removed and pruned seed containers: put the seed back as the other files expect it.
  await h?.seed();
}, 180_000);

const act = (ref: string, action: string, role: 'operator' | 'admin' | 'viewer' = 'operator', query = '') =>
  ts.api('POST', `/api/docker/containers/${hostId}/${encodeURIComponent(ref)}/${action}${query}`, { role });

async function task(id: number) {
  const r = await ts.api('GET', `/api/tasks/${id}`, { role: 'viewer' });
  expect(r.status).toBe(200);
  return r.body;
}

async function timeline() {
  return (await ts.api('GET', `/api/docker/hosts/${hostId}/events?limit=500`, { role: 'viewer' })).body.events as any[];
}

describe('container actions on a real host', () => {
  it('stop, start, restart, pause, unpause, kill each change the real container; task rows and timeline entries', async () => {
    const id = (await stateOf(h, 'act-target'))!.id;
    const steps: { action: string; check: (s: NonNullable<Awaited<ReturnType<typeof stateOf>>>, before: string) => void; api: string }[] = [
      { action: 'stop', api: 'exited', check: (s) => expect(s).toMatchObject({ status: 'exited', running: false }) },
      { action: 'start', api: 'running', check: (s) => expect(s).toMatchObject({ status: 'running', running: true }) },
      { action: 'restart', api: 'running', check: (s, before) => expect(s.status === 'running' && s.startedAt !== before).toBe(true) },
      { action: 'pause', api: 'paused', check: (s) => expect(s).toMatchObject({ status: 'paused', paused: true }) },
      { action: 'unpause', api: 'running', check: (s) => expect(s).toMatchObject({ status: 'running', paused: false }) },
      // SIGKILL to the init process: exit 137.
      { action: 'kill', api: 'exited', check: (s) => expect(s).toMatchObject({ status: 'exited', exitCode: 137 }) },
    ];
    const ws = WsTestClient.connect(ts.url, ts.tokens.viewer);
    await ws.waitFor((m) => m.type === 'hello');
    for (const step of steps) {
      const before = (await stateOf(h, id))!.startedAt;
      const from = ws.received.length;
      const r = await act('act-target', step.action);
      expect(r.status, `${step.action}: ${JSON.stringify(r.body)}`).toBe(200);
      expect(r.body).toMatchObject({ success: true, task_id: expect.any(Number), container: { container_id: id, name: 'act-target', state: step.api } });
      step.check((await stateOf(h, id))!, before);
      const t = await task(r.body.task_id);
      expect(t).toMatchObject({ action: `docker.container.${step.action}`, status: 'success', host_id: hostId, target: 'act-target', requested_by: 'operator', error: null });
      expect(Date.parse(t.finished_at)).toBeGreaterThanOrEqual(Date.parse(t.started_at));
      const entry = (await timeline()).find((e) => e.kind === 'action' && e.task_id === r.body.task_id);
      expect(entry).toMatchObject({ action: `docker.container.${step.action}`, target_name: 'act-target', message: expect.stringMatching(/by operator: success/) });
      // The stored state (what the list shows) follows at once: the action refreshed the container.
      const listed = (await ts.api('GET', `/api/docker/hosts/${hostId}/containers`, { role: 'viewer' })).body.containers.find((c: any) => c.container_id === id);
      expect(listed.state).toBe(step.api);
      // Browsers hear about it: the task's end and the container's new state.
      await wsAfter(ws, from, (m) => m.type === 'task_updated' && m.task.id === r.body.task_id && m.task.status === 'success');
      await wsAfter(ws, from, (m) => m.type === 'docker_container_updated' && m.container.container_id === id && m.container.state === step.api);
    }
    ws.close();
    const tasks = (await ts.api('GET', `/api/tasks?host_id=${hostId}&limit=50`, { role: 'viewer' })).body.tasks;
    for (const a of ['stop', 'start', 'restart', 'pause', 'unpause', 'kill']) expect(tasks.map((t: any) => t.action)).toContain(`docker.container.${a}`);
  });

  it('container_id may be the full id, a unique prefix, or the name; an ambiguous prefix is 409; unknown is 404', async () => {
    const id = (await stateOf(h, 'act-target'))!.id;
    const byId = await act(id, 'start');
    expect(byId.status).toBe(200);
    expect(byId.body.container).toMatchObject({ container_id: id, state: 'running' });
    const byPrefix = await act(id.slice(0, 12), 'stop');
    expect(byPrefix.status).toBe(200);
    expect((await stateOf(h, id))!.status).toBe('exited');
    const byName = await act('act-target', 'start');
    expect(byName.status).toBe(200);
    expect((await stateOf(h, id))!.status).toBe('running');

    // Add containers until two known ids share their first hex digit.
    let shared: string | undefined;
    for (let i = 0; !shared && i < 12; i++) {
      const ids = (await ts.api('GET', `/api/docker/hosts/${hostId}/containers`)).body.containers.map((c: any) => c.container_id as string);
      shared = [...new Set(ids.map((x: string) => x[0]))].find((p) => ids.filter((x: string) => x.startsWith(p as string)).length > 1) as string | undefined;
      if (!shared) {
        await runLoop(h, `act-pad-${i}`);
        await ts.api('POST', `/api/docker/hosts/${hostId}/collect`, { role: 'operator' });
      }
    }
    const tasksBefore = (await ts.api('GET', `/api/tasks?host_id=${hostId}&limit=1000`)).body.tasks.length;
    const amb = await act(shared!, 'stop');
    expect(amb.status).toBe(409);
    expect(amb.body).toMatchObject({ error: 'ambiguous_container', message: expect.stringContaining('several') });
    const missing = await act('no-such-container', 'stop');
    expect(missing.status).toBe(404);
    expect((await ts.api('GET', `/api/tasks?host_id=${hostId}&limit=1000`)).body.tasks.length).toBe(tasksBefore);
  });

  it('remove needs admin (operator gets 403, the container stays); a running one needs ?force=true', async () => {
    const id = (await stateOf(h, 'act-target'))!.id;
    const denied = await act('act-target', 'remove', 'operator', '?force=true');
    expect(denied.status).toBe(403);
    expect(await stateOf(h, id)).not.toBeNull();

    const refused = await act('act-target', 'remove', 'admin');
    expect(refused.status).toBe(502);
    expect(refused.body).toMatchObject({ error: 'action_failed', message: expect.stringMatching(/running container|stop the container/i) });
    expect((await stateOf(h, id))!.running).toBe(true);
    const failed = (await ts.api('GET', `/api/tasks?host_id=${hostId}&action=docker.container.remove`)).body.tasks[0];
    expect(failed).toMatchObject({ status: 'failed', requested_by: 'admin', error: expect.stringMatching(/running container|stop the container/i) });

    const r = await act('act-target', 'remove', 'admin', '?force=true');
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ success: true, task_id: expect.any(Number), container: null });
    expect(await stateOf(h, id)).toBeNull();
    const names = (await ts.api('GET', `/api/docker/hosts/${hostId}/containers`)).body.containers.map((c: any) => c.name);
    expect(names).not.toContain('act-target');
    expect(await task(r.body.task_id)).toMatchObject({ action: 'docker.container.remove', status: 'success', requested_by: 'admin' });
  });

  it('an action on a container removed behind our back answers 404 saying so, and the list forgets it', async () => {
    await runLoop(h, 'act-b');
    await ts.api('POST', `/api/docker/hosts/${hostId}/collect`, { role: 'operator' });
    await docker(h, ['rm', '-f', 'act-b']);
    const r = await act('act-b', 'stop');
    expect(r.status, JSON.stringify(r.body)).toBe(404);
    expect(r.body).toMatchObject({ error: 'not_found', message: expect.stringMatching(/act-b no longer exists/) });
    const names = (await ts.api('GET', `/api/docker/hosts/${hostId}/containers`)).body.containers.map((c: any) => c.name);
    expect(names).not.toContain('act-b');
    const t = (await ts.api('GET', `/api/tasks?host_id=${hostId}&action=docker.container.stop`)).body.tasks[0];
    expect(t).toMatchObject({ target: 'act-b', status: 'failed', error: expect.stringMatching(/No such container/) });
  });

  it('viewer may not act', async () => {
    expect((await act(SEED.worker, 'stop', 'viewer')).status).toBe(403);
    expect((await stateOf(h, SEED.worker))!.running).toBe(true);
  });

  it('concurrent actions on one container are serialized: stop+start+restart at once, task time ranges do not overlap', async () => {
    const id = await runLoop(h, 'act-a');
    await ts.api('POST', `/api/docker/hosts/${hostId}/collect`, { role: 'operator' });
    const rs = await Promise.all(['stop', 'start', 'restart'].map((a) => act('act-a', a)));
    for (const r of rs) expect(r.status, JSON.stringify(r.body)).toBe(200);
    const tasks = await Promise.all(rs.map((r) => task(r.body.task_id)));
    const ranges = tasks.map((t) => [Date.parse(t.started_at), Date.parse(t.finished_at), t.action] as const).sort((a, b) => a[0] - b[0]);
    console.log(`[docker-actions] serialized: ${ranges.map(([s, e, a]) => `${a.split('.').pop()} ${e - s} ms`).join(', ')}`);
    for (let i = 1; i < ranges.length; i++) expect(ranges[i]![0], `${ranges[i]![2]} started before ${ranges[i - 1]![2]} finished`).toBeGreaterThanOrEqual(ranges[i - 1]![1]);
    // The real container ends in the state of the last action to run.
    const last = ranges[ranges.length - 1]![2];
    expect((await stateOf(h, id))!.running).toBe(last !== 'docker.container.stop');
  });
});

describe('compose and redeploy', () => {
  it('redeploy of a compose container recreates it (new id, still running) through docker compose', async () => {
    const old = (await stateOf(h, 'shop_web_1'))!;
    const r = await act('shop_web_1', 'redeploy');
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    const now = (await stateOf(h, 'shop_web_1'))!;
    expect(now.id).not.toBe(old.id);
    expect(now.running).toBe(true);
    expect(r.body).toMatchObject({ success: true, container: { container_id: now.id, name: 'shop_web_1', compose_project: 'shop', compose_service: 'web' } });
    const t = await task(r.body.task_id);
    expect(t).toMatchObject({ action: 'docker.container.redeploy', status: 'success' });
    expect(t.output).toMatch(/homelab: using docker[- ]compose/);
    // The old id is gone from the list; the db service was left alone (--no-deps).
    const list = (await ts.api('GET', `/api/docker/hosts/${hostId}/containers?compose_project=shop`)).body.containers;
    expect(list.map((c: any) => c.container_id)).not.toContain(old.id);
    expect(list.map((c: any) => c.name).sort()).toEqual(['shop_db_1', 'shop_web_1']);
  });

  it('redeploy of a container not started by compose is 409 with an explanation, and runs nothing', async () => {
    const before = (await stateOf(h, SEED.web))!;
    const tasksBefore = (await ts.api('GET', `/api/tasks?host_id=${hostId}&limit=1000`)).body.tasks.length;
    const r = await act(SEED.web, 'redeploy');
    expect(r.status).toBe(409);
    expect(r.body).toMatchObject({ error: 'not_compose', message: expect.stringMatching(/not started by docker compose.*restart/) });
    expect((await stateOf(h, SEED.web))!).toEqual(before);
    expect((await ts.api('GET', `/api/tasks?host_id=${hostId}&limit=1000`)).body.tasks.length).toBe(tasksBefore);
  });

  it('compose stop then start of the whole shop project', async () => {
    const shopStates = async () => (await dockerJsonLines(h, ['ps', '-a', '--filter', 'label=com.docker.compose.project=shop'])).map((p) => p.State);
    const stop = await ts.api('POST', `/api/docker/hosts/${hostId}/compose/shop/stop`, { role: 'operator' });
    expect(stop.status, JSON.stringify(stop.body)).toBe(200);
    expect(stop.body).toMatchObject({ success: true, task_id: expect.any(Number) });
    expect(await shopStates()).toEqual(['exited', 'exited']);
    let listed = (await ts.api('GET', `/api/docker/hosts/${hostId}/containers?compose_project=shop`)).body.containers;
    expect(listed.map((c: any) => c.state)).toEqual(['exited', 'exited']);

    const start = await ts.api('POST', `/api/docker/hosts/${hostId}/compose/shop/start`, { role: 'operator' });
    expect(start.status).toBe(200);
    expect(await shopStates()).toEqual(['running', 'running']);
    listed = (await ts.api('GET', `/api/docker/hosts/${hostId}/containers?compose_project=shop`)).body.containers;
    expect(listed.map((c: any) => c.state)).toEqual(['running', 'running']);
    expect(await task(start.body.task_id)).toMatchObject({ action: 'docker.compose.start', target: 'shop', status: 'success' });
    expect((await timeline()).find((e) => e.task_id === stop.body.task_id)).toMatchObject({ kind: 'action', action: 'docker.compose.stop', target_name: 'shop' });

    // A project with no container on the host: the task fails and says why.
    const none = await ts.api('POST', `/api/docker/hosts/${hostId}/compose/nosuchproject/restart`, { role: 'operator' });
    expect(none.status).toBe(502);
    expect(none.body.message).toMatch(/no container of this compose project/);
    expect((await ts.api('POST', `/api/docker/hosts/${hostId}/compose/shop/stop`, { role: 'viewer' })).status).toBe(403);
  });
});

describe('prune', () => {
  it('needs admin; removes the stopped containers and dangling images chosen, and reports the space reclaimed', async () => {
    // A stopped container that wrote 2 MB, and a dangling image committed from it.
    await h.docker(['rm', '-f', 'prune-me']);
    await docker(h, ['run', '--name', 'prune-me', 'homelab/busybox:1', 'sh', '-c', 'dd if=/dev/zero of=/blob bs=1024 count=2048 2>/dev/null']);
    const image = (await docker(h, ['commit', 'prune-me'])).trim();
    await ts.api('POST', `/api/docker/hosts/${hostId}/collect`, { role: 'operator' });
    expect((await ts.api('GET', `/api/docker/hosts/${hostId}/images`)).body.images.map((i: any) => i.image_id)).toContain(image);

    const body = { containers: true, images: true };
    expect((await ts.api('POST', `/api/docker/hosts/${hostId}/prune`, { role: 'operator', body })).status).toBe(403);
    expect(await stateOf(h, 'prune-me')).not.toBeNull();

    const r = await ts.api('POST', `/api/docker/hosts/${hostId}/prune`, { role: 'admin', body });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    console.log(`[docker-actions] prune reclaimed ${r.body.reclaimed_bytes} bytes: ${JSON.stringify(r.body.kinds)}`);
    expect(r.body).toMatchObject({ success: true, task_id: expect.any(Number) });
    expect(r.body.reclaimed_bytes).toBeGreaterThanOrEqual(2 * 1024 * 1024);
    expect(await stateOf(h, 'prune-me')).toBeNull();
    expect((await h.docker(['image', 'inspect', image])).code).not.toBe(0);
    // Running containers and used images are untouched; volumes and networks were not chosen.
    expect((await stateOf(h, SEED.web))!.running).toBe(true);
    expect((await h.docker(['volume', 'inspect', SEED.volume])).code).toBe(0);
    // The stored inventory follows.
    expect((await ts.api('GET', `/api/docker/hosts/${hostId}/images`)).body.images.map((i: any) => i.image_id)).not.toContain(image);
    const names = (await ts.api('GET', `/api/docker/hosts/${hostId}/containers`)).body.containers.map((c: any) => c.name);
    expect(names).not.toContain('prune-me');
    expect(names).not.toContain(SEED.exited);
    expect(await task(r.body.task_id)).toMatchObject({ action: 'docker.prune', target: 'containers,images', status: 'success', requested_by: 'admin' });

    // Nothing chosen: 422, nothing runs.
    expect((await ts.api('POST', `/api/docker/hosts/${hostId}/prune`, { role: 'admin', body: {} })).status).toBe(422);
  });
});
