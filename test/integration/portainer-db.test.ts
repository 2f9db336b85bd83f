// The portainer_servers table (migration 007) and its repository on SQLite and on a real PostgreSQL: the database
// itself refuses what the API refuses (unknown auth kind or sync mode, an interval under 10 s, a duplicate name), and
// a server goes with its hosts in one transaction (their containers through the hosts' cascade).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Db, migrateToLatest } from '../../src/db/database.js';
import { HostRepository } from '../../src/db/repositories/host.repository.js';
import { type NewPortainerServer, PortainerRepository } from '../../src/db/repositories/portainer.repository.js';
import { bothDialects } from '../support/dialects.js';

const dialects = bothDialects('portainer');

const server = (over: Partial<NewPortainerServer> = {}): NewPortainerServer => ({
  name: 'home', url: 'https://portainer.lan:9443', auth: 'api_key', credentials: 'v1:sealed', tls_fingerprint: null,
  default_group: null, sync_mode: 'create_and_update', sync_interval_s: 60, enabled: true, ...over,
});

for (const [dialect, open] of dialects) {
  describe(`portainer_servers on ${dialect}`, () => {
    let db: Db;
    let repo: PortainerRepository;
    let hosts: HostRepository;
    beforeAll(async () => {
      db = await open();
      await migrateToLatest(db.kysely);
      repo = new PortainerRepository(db.kysely);
      hosts = new HostRepository(db.kysely);
    });
    afterAll(() => db?.close());

    it('stores a server with its defaults and updates it', async () => {
      const row = await repo.create(server());
      expect(row).toMatchObject({ name: 'home', status: 'unknown', enabled: 1, sync_interval_s: 60, version: null, endpoints_total: null });
      const up = await repo.update(row.id, { status: 'online', version: '2.21.4', endpoints_total: 3, endpoints_up: 2, last_sync_ms: 41 });
      expect(up).toMatchObject({ status: 'online', version: '2.21.4', endpoints_total: 3, endpoints_up: 2, last_sync_ms: 41 });
      expect(await repo.getByName('home')).toEqual(up);
    });

    it('refuses a duplicate name, an unknown auth kind or sync mode, and an interval under 10 s', async () => {
      const before = (await repo.list()).length;
      await expect(repo.create(server())).rejects.toThrow();
      await expect(repo.create(server({ name: 'a', auth: 'token' as never }))).rejects.toThrow();
      await expect(repo.create(server({ name: 'b', sync_mode: 'create_only' as never }))).rejects.toThrow();
      await expect(repo.create(server({ name: 'c', sync_interval_s: 9 }))).rejects.toThrow();
      expect((await repo.list()).length).toBe(before);
    });

    it('removes a server with its hosts only, in one go', async () => {
      const a = await repo.create(server({ name: 'a' }));
      const b = await repo.create(server({ name: 'b' }));
      const mk = (name: string, sid: number | null, ep: number | null) =>
        hosts.create({ name, host: sid === null ? 'x.lan' : null, port: sid === null ? 22 : null, username: sid === null ? 'root' : null, os_type: null, transport: sid === null ? 'ssh' : 'portainer', groups: [], portainer_server_id: sid, portainer_endpoint_id: ep });
      const h1 = await mk('docker', a.id, 1);
      const h2 = await mk('nas', a.id, 2);
      const other = await mk('docker', b.id, 1);
      const byHand = await mk('docker', null, null);
      const removed = await repo.remove(a.id);
      expect(removed?.sort()).toEqual([h1.id, h2.id].sort());
      expect(await repo.get(a.id)).toBeUndefined();
      expect(await hosts.listByServer(a.id)).toEqual([]);
      expect(await hosts.get(other.id)).toBeDefined();
      expect(await hosts.get(byHand.id)).toBeDefined();
      expect(await repo.remove(a.id)).toBeNull();
    });
  });
}
