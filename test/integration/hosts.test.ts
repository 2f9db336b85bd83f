// Hosts CRUD and the Ansible inventory import through the real API on real SQLite.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/app.js';

let ts: TestServer;
beforeAll(async () => {
  ts = await startTestServer();
});
afterAll(() => ts?.destroy());

const listNames = async (): Promise<string[]> => (await ts.api('GET', '/api/hosts')).body.hosts.map((h: { name: string }) => h.name).sort();

describe('hosts CRUD', () => {
  it('creates a host with the defaults (port 22, user automation, status unknown) and lists it', async () => {
    const r = await ts.api('POST', '/api/hosts', { body: { name: 'nas', host: 'nas.lan' } });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({
      id: expect.any(Number),
      name: 'nas',
      host: 'nas.lan',
      port: 22,
      username: 'automation',
      os_type: null,
      status: 'unknown',
      last_seen_at: null,
      ssh_host_key: null,
      metrics: null,
    });
    const list = await ts.api('GET', '/api/hosts', { role: 'viewer' });
    expect(list.status).toBe(200);
    expect(list.body.hosts.find((h: { id: number }) => h.id === r.body.id)).toMatchObject({ name: 'nas', host: 'nas.lan' });
    const one = await ts.api('GET', `/api/hosts/${r.body.id}`, { role: 'viewer' });
    expect(one.status).toBe(200);
    expect(one.body).toEqual(r.body);
  });

  it('takes port, username and os_type when given, including an IPv4 and an IPv6 address', async () => {
    const a = await ts.api('POST', '/api/hosts', { body: { name: 'pve1', host: '192.168.1.10', port: 2222, username: 'deploy', os_type: 'debian' } });
    expect(a.status).toBe(201);
    expect(a.body).toMatchObject({ host: '192.168.1.10', port: 2222, username: 'deploy', os_type: 'debian' });
    const b = await ts.api('POST', '/api/hosts', { body: { name: 'v6', host: 'fd00::10' } });
    expect(b.status).toBe(201);
    expect(b.body.host).toBe('fd00::10');
  });

  it('refuses bad input with 422 {error, message} naming the field, and writes nothing', async () => {
    const before = await listNames();
    const cases: [object, RegExp][] = [
      [{ host: 'x.lan' }, /name/],
      [{ name: 'x' }, /host/],
      [{ name: 'bad name', host: 'x.lan' }, /name/],
      [{ name: 'x', host: 'x.lan; rm -rf /' }, /host/],
      [{ name: 'x', host: '-oProxyCommand=touch /tmp/pwned' }, /host/],
      [{ name: 'x', host: 'x.lan', port: 0 }, /port/],
      [{ name: 'x', host: 'x.lan', port: 70000 }, /port/],
      [{ name: 'x', host: 'x.lan', port: 'ssh' }, /port/],
      [{ name: 'x', host: 'x.lan', username: 'bad user' }, /username/],
    ];
    for (const [body, field] of cases) {
      const r = await ts.api('POST', '/api/hosts', { body });
      expect(r.status, JSON.stringify(body)).toBe(422);
      expect(r.body).toEqual({ error: expect.any(String), message: expect.stringMatching(field) });
    }
    expect(await listNames()).toEqual(before);
  });

  it('refuses a duplicate name with 409, on create and on rename', async () => {
    const dup = await ts.api('POST', '/api/hosts', { body: { name: 'nas', host: 'other.lan' } });
    expect(dup.status).toBe(409);
    expect(dup.body).toEqual({ error: 'host_exists', message: expect.stringContaining('nas') });
    const other = await ts.api('POST', '/api/hosts', { body: { name: 'backup', host: 'backup.lan' } });
    const rename = await ts.api('PATCH', `/api/hosts/${other.body.id}`, { body: { name: 'nas' } });
    expect(rename.status).toBe(409);
    expect((await ts.api('GET', `/api/hosts/${other.body.id}`)).body.name).toBe('backup');
  });

  it('updates a host; a new address clears the pinned key (a new machine as far as trust goes)', async () => {
    const h = await ts.api('POST', '/api/hosts', { body: { name: 'edge', host: 'edge.lan' } });
    await ts.container.repos.hosts.update(h.body.id, { ssh_host_key: 'SHA256:pinned-before' });
    const renamed = await ts.api('PATCH', `/api/hosts/${h.body.id}`, { body: { name: 'edge-1', os_type: 'alpine' } });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toMatchObject({ name: 'edge-1', os_type: 'alpine', ssh_host_key: 'SHA256:pinned-before' });
    const moved = await ts.api('PATCH', `/api/hosts/${h.body.id}`, { body: { host: 'edge2.lan', port: 2200 } });
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({ host: 'edge2.lan', port: 2200, ssh_host_key: null });
    // A patch changes only what it names: renaming a host on port 2200 keeps its port and its pinned key.
    await ts.container.repos.hosts.update(h.body.id, { ssh_host_key: 'SHA256:pinned-again' });
    const renamedAgain = await ts.api('PATCH', `/api/hosts/${h.body.id}`, { body: { name: 'edge-2' } });
    expect(renamedAgain.body).toMatchObject({ name: 'edge-2', host: 'edge2.lan', port: 2200, ssh_host_key: 'SHA256:pinned-again' });
    expect((await ts.api('PATCH', `/api/hosts/${h.body.id}`, { body: { port: 0 } })).status).toBe(422);
    expect((await ts.api('PATCH', `/api/hosts/${h.body.id}`, { body: {} })).status).toBe(422);
    expect((await ts.api('PATCH', '/api/hosts/999999', { body: { name: 'ghost' } })).status).toBe(404);
  });

  it('deletes a host: 204, then 404 everywhere', async () => {
    const h = await ts.api('POST', '/api/hosts', { body: { name: 'gone', host: 'gone.lan' } });
    expect((await ts.api('DELETE', `/api/hosts/${h.body.id}`)).status).toBe(204);
    const get = await ts.api('GET', `/api/hosts/${h.body.id}`);
    expect(get.status).toBe(404);
    expect(get.body).toEqual({ error: 'not_found', message: expect.any(String) });
    expect((await ts.api('DELETE', `/api/hosts/${h.body.id}`)).status).toBe(404);
    expect(await listNames()).not.toContain('gone');
    expect((await ts.api('GET', '/api/hosts/abc')).status).toBe(422);
  });
});

const INVENTORY = `all:
  vars:
    ansible_user: ops
  children:
    docker:
      hosts:
        app1:
          ansible_host: 10.0.0.11
        app2:
          ansible_host: 10.0.0.12
          ansible_port: 2222
    storage:
      hosts:
        nas2:
          ansible_host: 10.0.0.20
          ansible_user: admin
        app1:
  hosts:
    lonely.lan:
`;

describe('Ansible inventory import', () => {
  it('imports text/yaml: hosts with address, port, user and groups', async () => {
    const r = await ts.api('POST', '/api/hosts/import', { body: INVENTORY, headers: { 'content-type': 'text/yaml' } });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ created: 4, updated: 0, skipped: 0 });
    const hosts = (await ts.api('GET', '/api/hosts')).body.hosts as { name: string }[];
    const by = (n: string) => hosts.find((h) => h.name === n);
    expect(by('app1')).toMatchObject({ host: '10.0.0.11', port: 22, username: 'ops', groups: ['docker', 'storage'] });
    expect(by('app2')).toMatchObject({ host: '10.0.0.12', port: 2222, username: 'ops', groups: ['docker'] });
    expect(by('nas2')).toMatchObject({ host: '10.0.0.20', username: 'admin', groups: ['storage'] });
    expect(by('lonely.lan')).toMatchObject({ host: 'lonely.lan', username: 'ops', groups: [] });
  });

  it('does not duplicate on re-import: the same file skips everything, also as JSON {content} and application/x-yaml', async () => {
    const before = await listNames();
    const again = await ts.api('POST', '/api/hosts/import', { body: { content: INVENTORY } });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ created: 0, updated: 0, skipped: 4 });
    const third = await ts.api('POST', '/api/hosts/import', { body: INVENTORY, headers: { 'content-type': 'application/x-yaml' } });
    expect(third.body).toMatchObject({ created: 0, updated: 0, skipped: 4 });
    expect(await listNames()).toEqual(before);
  });

  it('recognises a known host by its address under another name, and updates a changed one', async () => {
    const before = await listNames();
    const text = `all:
  hosts:
    application-one:
      ansible_host: 10.0.0.11
    app2:
      ansible_host: 10.0.0.99
      ansible_port: 2222
      ansible_user: ops
    fresh:
      ansible_host: 10.0.0.50
`;
    const r = await ts.api('POST', '/api/hosts/import', { body: { content: text } });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ created: 1, updated: 1, skipped: 1 });
    expect(await listNames()).toEqual([...before, 'fresh'].sort());
    const app2 = (await ts.api('GET', '/api/hosts')).body.hosts.find((h: { name: string }) => h.name === 'app2');
    expect(app2).toMatchObject({ host: '10.0.0.99', port: 2222 });
  });

  it('refuses malformed YAML with 422 and the line of the error, writing nothing', async () => {
    const before = await listNames();
    const bad = `all:
  hosts:
    broken1:
      ansible_host: 10.0.1.1
    broken2:
      ansible_host: [10.0.1.2
    broken3:
`;
    const r = await ts.api('POST', '/api/hosts/import', { body: bad, headers: { 'content-type': 'text/yaml' } });
    expect(r.status).toBe(422);
    expect(r.body).toEqual({ error: 'invalid_inventory', message: expect.stringMatching(/line [67]\b/) });
    expect(await listNames()).toEqual(before);
  });

  it('refuses a file with one bad host as a whole: nothing half-written', async () => {
    const before = await listNames();
    for (const bad of [
      'all:\n  hosts:\n    okhost1:\n      ansible_host: 10.0.2.1\n    badport:\n      ansible_host: 10.0.2.2\n      ansible_port: 70000\n',
      'all:\n  hosts:\n    okhost2:\n      ansible_host: 10.0.2.3\n    evil:\n      ansible_host: "10.0.2.4; rm -rf /"\n',
      '- just\n- a list\n',
    ]) {
      const r = await ts.api('POST', '/api/hosts/import', { body: { content: bad } });
      expect(r.status, bad).toBe(422);
      expect(r.body).toEqual({ error: 'invalid_inventory', message: expect.any(String) });
    }
    expect(await listNames()).toEqual(before);
  });

  it('is for admins only, and refuses a body that is neither YAML text nor {content}', async () => {
    expect((await ts.api('POST', '/api/hosts/import', { role: 'operator', body: { content: INVENTORY } })).status).toBe(403);
    const wrong = await ts.api('POST', '/api/hosts/import', { body: { yaml: INVENTORY } });
    expect(wrong.status).toBe(422);
  });
});
