// Hosts from another source than "by hand": a Portainer environment (the tests insert it through the repository, as
// the Portainer sync does) has no SSH fields, and its name is unique within its Portainer
// server only. Through the real API on real SQLite.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HostRow } from '../../src/db/schema.js';
import { startTestServer, type TestServer } from '../support/app.js';

let ts: TestServer;
beforeAll(async () => {
  ts = await startTestServer();
});
afterAll(() => ts?.destroy());

const discovered = (name: string, server: number, endpoint: number): Promise<HostRow> =>
  ts.container.repos.hosts.create({
    name, host: null, port: null, username: null, os_type: null, transport: 'portainer', groups: [],
    portainer_server_id: server, portainer_endpoint_id: endpoint,
  });
const all = async () => (await ts.api('GET', '/api/hosts', { role: 'viewer' })).body.hosts as { id: number; name: string; host: string | null }[];

describe('hosts discovered on a Portainer server', () => {
  it('are listed and read with null SSH fields and their source', async () => {
    const p = await discovered('docker1', 1, 3);
    const one = await ts.api('GET', `/api/hosts/${p.id}`, { role: 'viewer' });
    expect(one.status).toBe(200);
    expect(one.body).toMatchObject({
      id: p.id, name: 'docker1', host: null, port: null, username: null, transport: 'portainer',
      portainer_server_id: 1, portainer_endpoint_id: 3, ssh_host_key: null, groups: [],
    });
    expect((await all()).find((h) => h.id === p.id)).toEqual(one.body);
    const manual = await ts.api('POST', '/api/hosts', { body: { name: 'by-hand', host: 'hand.lan' } });
    expect(manual.body).toMatchObject({ host: 'hand.lan', port: 22, username: 'automation', portainer_server_id: null, portainer_endpoint_id: null });
  });

  it('a host made by hand may take the name of a discovered one; two made by hand may not share one (409)', async () => {
    const made = await ts.api('POST', '/api/hosts', { body: { name: 'docker1', host: 'docker1.lan' } });
    expect(made.status).toBe(201);
    expect(made.body).toMatchObject({ name: 'docker1', host: 'docker1.lan', portainer_server_id: null });
    const dup = await ts.api('POST', '/api/hosts', { body: { name: 'docker1', host: 'other.lan' } });
    expect(dup.status).toBe(409);
    expect(dup.body).toEqual({ error: 'host_exists', message: expect.stringContaining('docker1') });
    expect((await all()).filter((h) => h.name === 'docker1').map((h) => h.host).sort()).toEqual(['docker1.lan', null].sort());
  });

  it('a discovered host keeps Portainer\'s name (422, changing nothing); one made by hand may take any free name', async () => {
    const a = await discovered('env-a', 2, 1);
    const b = await discovered('env-b', 2, 2);
    const manual = await ts.api('POST', '/api/hosts', { body: { name: 'env-c', host: 'c.lan' } });
    for (const name of ['env-a', 'env-z']) {
      const r = await ts.api('PATCH', `/api/hosts/${b.id}`, { body: { name } });
      expect(r.status, name).toBe(422);
      expect(r.body).toEqual({ error: 'invalid_input', message: expect.stringContaining('rename the environment in Portainer') });
    }
    // its own name again is no rename; the OS label is ours to set
    const same = await ts.api('PATCH', `/api/hosts/${b.id}`, { body: { name: 'env-b', os_type: 'linux' } });
    expect(same.status).toBe(200);
    expect(same.body).toMatchObject({ name: 'env-b', os_type: 'linux', host: null, portainer_server_id: 2, portainer_endpoint_id: 2 });
    const manualToA = await ts.api('PATCH', `/api/hosts/${manual.body.id}`, { body: { name: 'env-a' } });
    expect(manualToA.status).toBe(200);
    expect(manualToA.body).toMatchObject({ name: 'env-a', host: 'c.lan' });
    expect((await ts.api('GET', `/api/hosts/${a.id}`)).body.name).toBe('env-a');
  });

  it('a discovered host named with a space (Portainer allows it) still takes a groups change', async () => {
    const p = await discovered('Salon NAS', 2, 3);
    const r = await ts.api('PATCH', `/api/hosts/${p.id}`, { body: { groups: ['maison'] } });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toMatchObject({ name: 'Salon NAS', groups: ['maison'] });
  });

  it('refuses SSH fields and transport changes on a discovered host with 422, changing nothing', async () => {
    const p = await discovered('env-fixed', 3, 1);
    const before = (await ts.api('GET', `/api/hosts/${p.id}`)).body;
    for (const body of [{ host: 'x.lan' }, { port: 2222 }, { username: 'root' }, { transport: 'ssh' }, { name: 'renamed', host: 'x.lan' }]) {
      const r = await ts.api('PATCH', `/api/hosts/${p.id}`, { body });
      expect(r.status, JSON.stringify(body)).toBe(422);
      expect(r.body).toEqual({ error: expect.any(String), message: expect.stringContaining('Portainer') });
    }
    expect((await ts.api('GET', `/api/hosts/${p.id}`)).body).toEqual(before);
    const check = await ts.api('POST', `/api/hosts/${p.id}/check`, { role: 'operator' });
    expect(check.status).toBe(422);
    expect(check.body).toEqual({ error: expect.any(String), message: expect.stringContaining('portainer') });
  });

  it('the Ansible import matches hosts made by hand only, by name or address, never a discovered one', async () => {
    const p = await discovered('inv-env', 4, 1);
    const before = (await ts.api('GET', `/api/hosts/${p.id}`)).body;
    const first = await ts.api('POST', '/api/hosts/import', { body: { content: 'all:\n  hosts:\n    inv-env:\n      ansible_host: 10.7.0.1\n' } });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ created: 1, updated: 0, skipped: 0 });
    expect(first.body.hosts[0]).toMatchObject({ name: 'inv-env', host: '10.7.0.1', portainer_server_id: null });
    const again = await ts.api('POST', '/api/hosts/import', { body: { content: 'all:\n  hosts:\n    inv-env:\n      ansible_host: 10.7.0.2\n' } });
    expect(again.body).toMatchObject({ created: 0, updated: 1, skipped: 0 });
    expect(again.body.hosts[0]).toMatchObject({ id: first.body.hosts[0].id, host: '10.7.0.2' });
    expect((await ts.api('GET', `/api/hosts/${p.id}`)).body).toEqual(before);
  });

  it('deletes a discovered host like any other', async () => {
    const p = await discovered('env-gone', 5, 1);
    expect((await ts.api('DELETE', `/api/hosts/${p.id}`)).status).toBe(204);
    expect((await ts.api('GET', `/api/hosts/${p.id}`)).status).toBe(404);
    expect(await ts.container.repos.hosts.getByEndpoint(5, 1)).toBeUndefined();
  });
});
