// Tasks: every action is a row with who/what/target/status/timings, listed and filtered through the API;
// work under one lock key runs one at a time.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/app.js';

let ts: TestServer;
let hostA: number;
let hostB: number;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  ts = await startTestServer();
  hostA = (await ts.container.hosts.create({ name: 'task-a', host: 'a.lan' })).id;
  hostB = (await ts.container.hosts.create({ name: 'task-b', host: 'b.lan' })).id;
  const run = (action: string, host_id: number | null, fail = false) =>
    ts.container.tasks
      .run({ action, host_id, target: `${action}-target`, requested_by: 'operator' }, async () => {
        if (fail) throw Object.assign(new Error(`${action} broke`), { output: 'partial output' });
        return { output: `${action} ok`, value: null };
      })
      .catch(() => undefined);
  await run('docker.restart', hostA);
  await run('docker.stop', hostA, true);
  await run('docker.restart', hostB);
  await run('system.backup', null);
});
afterAll(() => ts?.destroy());

const actions = (tasks: { action: string; host_id: number | null }[]) => tasks.map((t) => `${t.action}@${t.host_id}`);

describe('tasks API', () => {
  it('lists every task newest first, with who, what, target, outcome and timings', async () => {
    const r = await ts.api('GET', '/api/tasks', { role: 'viewer' });
    expect(r.status).toBe(200);
    expect(actions(r.body.tasks)).toEqual([`system.backup@null`, `docker.restart@${hostB}`, `docker.stop@${hostA}`, `docker.restart@${hostA}`]);
    const failed = r.body.tasks[2];
    expect(failed).toMatchObject({ status: 'failed', error: 'docker.stop broke', output: 'partial output', requested_by: 'operator', target: 'docker.stop-target' });
    const ok = r.body.tasks[3];
    expect(ok).toMatchObject({ status: 'success', output: 'docker.restart ok', error: null });
    for (const t of r.body.tasks) {
      expect(Date.parse(t.started_at)).toBeGreaterThanOrEqual(Date.parse(t.created_at));
      expect(Date.parse(t.finished_at)).toBeGreaterThanOrEqual(Date.parse(t.started_at));
      expect(t.duration_ms).toBeGreaterThanOrEqual(0);
    }
  });

  it('filters by status, host, action and limit', async () => {
    const get = async (q: string) => actions((await ts.api('GET', `/api/tasks?${q}`, { role: 'viewer' })).body.tasks);
    expect(await get('status=failed')).toEqual([`docker.stop@${hostA}`]);
    expect(await get(`host_id=${hostA}`)).toEqual([`docker.stop@${hostA}`, `docker.restart@${hostA}`]);
    expect(await get('action=docker.restart')).toEqual([`docker.restart@${hostB}`, `docker.restart@${hostA}`]);
    expect(await get(`action=docker.restart&host_id=${hostB}`)).toEqual([`docker.restart@${hostB}`]);
    expect(await get('limit=1')).toEqual(['system.backup@null']);
    expect(await get('status=running')).toEqual([]);
  });

  it('refuses bad filters with 422 and answers one task by id, 404 when unknown', async () => {
    for (const q of ['status=done', 'limit=0', 'limit=5000', 'host_id=abc']) {
      const r = await ts.api('GET', `/api/tasks?${q}`);
      expect(r.status, q).toBe(422);
      expect(r.body).toEqual({ error: expect.any(String), message: expect.any(String) });
    }
    const list = (await ts.api('GET', '/api/tasks')).body.tasks;
    const one = await ts.api('GET', `/api/tasks/${list[0].id}`, { role: 'viewer' });
    expect(one.status).toBe(200);
    expect(one.body).toEqual(list[0]);
    expect((await ts.api('GET', '/api/tasks/999999')).status).toBe(404);
  });

  it('keeps the tasks of a deleted host, detached from it', async () => {
    const h = await ts.container.hosts.create({ name: 'task-gone', host: 'gone.lan' });
    const { task } = await ts.container.tasks.run({ action: 'docker.prune', host_id: h.id, target: null, requested_by: 'admin' }, async () => ({ value: null }));
    expect((await ts.api('DELETE', `/api/hosts/${h.id}`)).status).toBe(204);
    expect((await ts.api('GET', `/api/tasks/${task.id}`)).body).toMatchObject({ action: 'docker.prune', host_id: null, status: 'success' });
  });
});

describe('task locks', () => {
  it('runs work under one lock key one at a time, and other keys meanwhile', async () => {
    const spans: Record<string, [number, number]> = {};
    const work = (name: string, lockKey: string) =>
      ts.container.tasks.run({ action: `lock.${name}`, host_id: null, target: name, requested_by: 'admin', lockKey }, async (task) => {
        const start = Date.now();
        // While it waits for the lock, a task is visible as pending.
        await sleep(300);
        spans[name] = [start, Date.now()];
        return { value: task.id };
      });
    const first = work('one', 'docker:1:abc');
    await sleep(20);
    const pending = (await ts.api('GET', '/api/tasks?action=lock.two')).body.tasks;
    expect(pending).toEqual([]);
    const second = work('two', 'docker:1:abc');
    const other = work('other', 'docker:2:def');
    await sleep(100);
    expect((await ts.api('GET', '/api/tasks?action=lock.two')).body.tasks[0].status).toBe('pending');
    await Promise.all([first, second, other]);
    expect(spans.two![0]).toBeGreaterThanOrEqual(spans.one![1]);
    expect(spans.other![0]).toBeLessThan(spans.one![1]);
  });
});
