// A restart on the same data dir keeps everything: users, hosts (pins, metrics), API tokens, tasks, settings, the
// SSH key and the JWT secret (old tokens keep working). A task cut off by the shutdown is marked failed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/app.js';

let ts: TestServer;
beforeAll(async () => {
  ts = await startTestServer();
});
afterAll(() => ts?.destroy());

describe('a server restart', () => {
  it('keeps users, hosts, tokens, tasks and settings, and accepts the tokens issued before', async () => {
    // --- before ---
    const bob = await ts.api('POST', '/api/users', { body: { username: 'bob', password: 'bob-password-1', role: 'operator' } });
    expect(bob.status).toBe(201);
    const host = await ts.api('POST', '/api/hosts', { body: { name: 'keep-me', host: '10.1.2.3', port: 2222, os_type: 'debian' } });
    await ts.api('POST', '/api/hosts/import', { body: { content: 'all:\n  children:\n    web:\n      hosts:\n        imported1:\n          ansible_host: 10.1.2.4\n' } });
    await ts.container.repos.hosts.update(host.body.id, { ssh_host_key: 'SHA256:kept-pin', status: 'online' });
    await ts.container.repos.hosts.addMetrics(host.body.id, {
      collected_at: new Date().toISOString(),
      uptime_s: 123,
      load1: 0.5,
      load5: 0.4,
      load15: 0.3,
      cpu_count: 4,
      mem_total_bytes: 8e9,
      mem_used_bytes: 2e9,
      disk_total_bytes: 1e11,
      disk_used_bytes: 5e10,
    });
    const apiToken = await ts.api('POST', '/api/tokens', { role: 'operator', body: { name: 'persist', role: 'viewer' } });
    const ok = await ts.container.tasks.run({ action: 'persist.ok', host_id: host.body.id, target: 'x', requested_by: 'admin' }, async () => ({ output: 'all good', value: null }));
    await expect(
      ts.container.tasks.run({ action: 'persist.fail', host_id: null, target: null, requested_by: 'operator' }, async () => {
        throw new Error('it broke');
      }),
    ).rejects.toThrow('it broke');
    // A task still running when the server stops.
    const cut = await ts.container.repos.tasks.create({ action: 'persist.cut', host_id: null, target: null, requested_by: 'admin' });
    await ts.container.repos.tasks.markRunning(cut.id);
    await ts.container.repos.settings.set('ui.theme', { dark: true });

    const snapshot = async (s: TestServer, token?: string) => ({
      users: (await s.api('GET', '/api/users', token ? { token } : {})).body.users,
      hosts: (await s.api('GET', '/api/hosts', token ? { token } : {})).body.hosts,
      tokens: (await s.api('GET', '/api/tokens', token ? { token } : {})).body.tokens,
      tasks: (await s.api('GET', '/api/tasks', token ? { token } : {})).body.tasks,
      ssh: (await s.api('GET', '/api/settings/ssh', token ? { token } : {})).body,
    });
    const before = await snapshot(ts);
    const oldTokens = { ...ts.tokens };
    const dataDir = ts.dataDir;

    // --- restart on the same data dir ---
    ts = await ts.restart();
    expect(ts.dataDir).toBe(dataDir);

    // Old JWTs (same secret key file) and the API token still work.
    expect((await ts.api('GET', '/api/auth/me', { token: oldTokens.admin })).body).toMatchObject({ username: 'admin', role: 'admin' });
    expect((await ts.api('GET', '/api/auth/me', { token: oldTokens.operator })).body).toMatchObject({ username: 'operator' });
    expect((await ts.api('GET', '/api/auth/me', { token: apiToken.body.secret })).body).toMatchObject({ username: 'operator', role: 'viewer' });
    // Bob logs in with his password.
    expect((await ts.api('POST', '/api/auth/login', { role: null, body: { username: 'bob', password: 'bob-password-1' } })).status).toBe(200);

    const after = await snapshot(ts, oldTokens.admin);
    const usersOf = (x: typeof before) => x.users.map((u: { id: number; username: string; role: string }) => `${u.id}:${u.username}:${u.role}`).sort();
    expect(usersOf(after)).toEqual(usersOf(before));
    expect(usersOf(after)).toContain(`${bob.body.id}:bob:operator`);
    expect(after.tokens).toEqual(before.tokens.map((t: object) => ({ ...t, last_used_at: expect.any(String) })));
    expect(after.ssh).toEqual(before.ssh);
    expect(after.ssh.public_key).toMatch(/^ssh-ed25519 /);

    const kept = after.hosts.find((h: { name: string }) => h.name === 'keep-me');
    expect(kept).toEqual(before.hosts.find((h: { name: string }) => h.name === 'keep-me'));
    expect(kept).toMatchObject({ host: '10.1.2.3', port: 2222, os_type: 'debian', ssh_host_key: 'SHA256:kept-pin', status: 'online', metrics: { uptime_s: 123, cpu_count: 4 } });
    expect(after.hosts.find((h: { name: string }) => h.name === 'imported1')).toMatchObject({ host: '10.1.2.4', groups: ['web'] });

    const task = (action: string) => after.tasks.find((t: { action: string }) => t.action === action);
    expect(task('persist.ok')).toEqual(before.tasks.find((t: { id: number }) => t.id === ok.task.id));
    expect(task('persist.ok')).toMatchObject({ status: 'success', output: 'all good', host_id: host.body.id });
    expect(task('persist.fail')).toMatchObject({ status: 'failed', error: 'it broke', requested_by: 'operator' });
    // The interrupted one is not left "running" forever.
    expect(task('persist.cut')).toMatchObject({ status: 'failed', error: expect.stringMatching(/interrupt|restart|shut/i) });

    expect(await ts.container.repos.settings.get('ui.theme', null)).toEqual({ dark: true });
  });

  it('keeps a deletion deleted, and a second restart changes nothing more', async () => {
    const h = await ts.api('POST', '/api/hosts', { body: { name: 'delete-me', host: 'del.lan' } });
    expect((await ts.api('DELETE', `/api/hosts/${h.body.id}`)).status).toBe(204);
    const names = (await ts.api('GET', '/api/hosts')).body.hosts.map((x: { name: string }) => x.name).sort();
    ts = await ts.restart();
    expect((await ts.api('GET', '/api/hosts')).body.hosts.map((x: { name: string }) => x.name).sort()).toEqual(names);
    expect((await ts.api('GET', `/api/hosts/${h.body.id}`)).status).toBe(404);
  });
});
