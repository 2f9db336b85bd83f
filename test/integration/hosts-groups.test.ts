// Host groups (the seed's "parent object", and Ansible's groups): set on create and with PATCH by an admin, normalised,
// validated by the contract, and used by `?group=` on both host lists. Real HTTP, real SQLite.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/app.js';

let ts: TestServer;
beforeAll(async () => {
  ts = await startTestServer();
});
afterAll(() => ts?.destroy());

const names = (r: { body: { hosts: { name: string }[] } }) => r.body.hosts.map((h) => h.name).sort();

describe('host groups', () => {
  it('are given at creation and changed with PATCH, stored sorted without duplicates', async () => {
    const made = await ts.api('POST', '/api/hosts', { body: { name: 'g-nas', host: 'nas.lan', groups: ['storage', 'Salle serveur'] } });
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    expect(made.body.groups).toEqual(['Salle serveur', 'storage']);
    const changed = await ts.api('PATCH', `/api/hosts/${made.body.id}`, { body: { groups: ['media'] } });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ name: 'g-nas', host: 'nas.lan', groups: ['media'] });
    const cleared = await ts.api('PATCH', `/api/hosts/${made.body.id}`, { body: { groups: [] } });
    expect(cleared.body.groups).toEqual([]);
    // a groups-only change is no address change: the host keeps its status and pin
    expect(cleared.body.status).toBe(made.body.status);
  });

  it('filter both host lists with ?group=', async () => {
    await ts.api('POST', '/api/hosts', { body: { name: 'g-a', host: 'a.lan', groups: ['edge'] } });
    await ts.api('POST', '/api/hosts', { body: { name: 'g-b', host: 'b.lan', groups: ['edge', 'prod'] } });
    await ts.api('POST', '/api/hosts', { body: { name: 'g-c', host: 'c.lan' } });
    expect(names(await ts.api('GET', '/api/hosts?group=edge', { role: 'viewer' }))).toEqual(['g-a', 'g-b']);
    expect(names(await ts.api('GET', '/api/hosts?group=prod', { role: 'viewer' }))).toEqual(['g-b']);
    expect(names(await ts.api('GET', '/api/hosts?group=none-such', { role: 'viewer' }))).toEqual([]);
    const docker = await ts.api('GET', '/api/docker/hosts?group=edge', { role: 'viewer' });
    expect(docker.status).toBe(200);
    expect(names(docker)).toEqual(['g-a', 'g-b']);
    expect(docker.body.hosts.find((h: { name: string }) => h.name === 'g-b').groups).toEqual(['edge', 'prod']);
    expect(names(await ts.api('GET', '/api/hosts', { role: 'viewer' }))).toEqual(expect.arrayContaining(['g-a', 'g-b', 'g-c']));
  });

  it('refuses bad groups with 422 and changes nothing', async () => {
    const h = await ts.api('POST', '/api/hosts', { body: { name: 'g-bad', host: 'bad.lan', groups: ['ok'] } });
    for (const groups of [['a;b'], [' lead'], ['trail '], [''], ['x'.repeat(64)], ['d', 'd'], Array.from({ length: 17 }, (_, i) => `g${i}`)]) {
      const r = await ts.api('PATCH', `/api/hosts/${h.body.id}`, { body: { groups } });
      expect(r.status, JSON.stringify(groups)).toBe(422);
      expect(r.body).toEqual({ error: expect.any(String), message: expect.stringContaining('groups') });
    }
    expect((await ts.api('POST', '/api/hosts', { body: { name: 'g-bad2', host: 'bad2.lan', groups: ['$(id)'] } })).status).toBe(422);
    expect((await ts.api('GET', `/api/hosts/${h.body.id}`)).body.groups).toEqual(['ok']);
    expect((await ts.api('GET', '/api/hosts?group=a;b')).status).toBe(422);
  });

  it('only an admin sets them', async () => {
    const h = await ts.api('POST', '/api/hosts', { body: { name: 'g-role', host: 'role.lan' } });
    expect((await ts.api('PATCH', `/api/hosts/${h.body.id}`, { role: 'operator', body: { groups: ['x'] } })).status).toBe(403);
    expect((await ts.api('GET', `/api/hosts/${h.body.id}`)).body.groups).toEqual([]);
  });
});
