// The proxmox_clusters table (migration 009) and its repository on SQLite and on a real PostgreSQL: the database
// itself refuses what the API refuses (an unknown auth kind or status, a port out of range, an interval under 10 s, a
// duplicate name), and the status columns round-trip.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Db, migrateToLatest } from '../../src/db/database.js';
import { type NewProxmoxCluster, ProxmoxRepository } from '../../src/db/repositories/proxmox.repository.js';
import { bothDialects } from '../support/dialects.js';

const dialects = bothDialects('proxmox');

const cluster = (over: Partial<NewProxmoxCluster> = {}): NewProxmoxCluster => ({
  name: 'home', host: 'pve1.lan', port: 8006, auth: 'token', credentials: 'v1:sealed', tls_fingerprint: null, ca_pem: null,
  sync_interval_s: 60, enabled: true, ...over,
});

for (const [dialect, open] of dialects) {
  describe(`proxmox_clusters on ${dialect}`, () => {
    let db: Db;
    let repo: ProxmoxRepository;
    beforeAll(async () => {
      db = await open();
      await migrateToLatest(db.kysely);
      repo = new ProxmoxRepository(db.kysely);
    });
    afterAll(() => db?.close());

    it('stores a cluster with its defaults and updates its status columns', async () => {
      const row = await repo.create(cluster());
      expect(row).toMatchObject({ name: 'home', status: 'unknown', enabled: 1, port: 8006, version: null, quorate: null, nodes_total: null, last_sync_at: null });
      const up = await repo.update(row.id, { status: 'online', version: '9.1.5', cluster_name: 'homelab', quorate: 1, nodes_total: 3, nodes_online: 2, last_sync_ms: 120 });
      expect(up).toMatchObject({ status: 'online', version: '9.1.5', cluster_name: 'homelab', quorate: 1, nodes_total: 3, nodes_online: 2, last_sync_ms: 120 });
      expect(await repo.getByName('home')).toEqual(up);
    });

    it('refuses a duplicate name, an unknown auth kind or status, a port out of range and an interval under 10 s', async () => {
      const before = (await repo.list()).length;
      await expect(repo.create(cluster())).rejects.toThrow();
      await expect(repo.create(cluster({ name: 'a', auth: 'api_key' as never }))).rejects.toThrow();
      await expect(repo.create(cluster({ name: 'b', port: 70000 }))).rejects.toThrow();
      await expect(repo.create(cluster({ name: 'c', sync_interval_s: 9 }))).rejects.toThrow();
      const ok = await repo.create(cluster({ name: 'd' }));
      await expect(repo.update(ok.id, { status: 'sleeping' })).rejects.toThrow();
      expect((await repo.list()).length).toBe(before + 1);
    });

    it('removes a cluster once', async () => {
      const row = await repo.create(cluster({ name: 'gone' }));
      expect(await repo.remove(row.id)).toBe(true);
      expect(await repo.get(row.id)).toBeUndefined();
      expect(await repo.remove(row.id)).toBe(false);
    });
  });
}
