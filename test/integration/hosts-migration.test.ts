// Migration 006 (hosts that do not come from SSH) on a database written by the schema before it, on SQLite and on a
// real PostgreSQL server: every host and every row that references one survives (on SQLite the hosts table is
// rebuilt, and a DROP TABLE with foreign keys on would cascade-delete them), ON DELETE still works afterwards, and the
// new rules hold: SSH fields nullable for other transports, names unique within a source.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type Kysely, Migrator, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Db, migrateToLatest, openDatabase } from '../../src/db/database.js';
import { migrationProvider, migrations } from '../../src/db/migrations/index.js';
import { HostRepository } from '../../src/db/repositories/host.repository.js';
import { columnsOf, foreignKeysTo, indexNames, rowFor, type ForeignKey } from '../support/db-schema.js';
import { startPostgres, type TestPostgres } from '../support/postgres.js';

const THIS = '006_host_sources';
const names = Object.keys(migrations).sort();
/** The migration just before this one, whatever it is called once others land. */
const BEFORE = names[names.indexOf(THIS) - 1]!;

let server: TestPostgres;
const tmpDirs: string[] = [];
let seq = 0;

beforeAll(async () => {
  server = await startPostgres();
}, 120_000);
afterAll(async () => {
  await server?.stop();
  for (const d of tmpDirs) fs.rmSync(d, { recursive: true, force: true });
});

async function openFresh(dialect: 'sqlite' | 'postgres'): Promise<Db> {
  if (dialect === 'sqlite') {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'homelab-m006-'));
    tmpDirs.push(dir);
    return openDatabase({ databaseUrl: null, dataDir: dir });
  }
  const name = `m006_${process.pid}_${++seq}`;
  return openDatabase({ databaseUrl: await server.createDatabase(name), dataDir: '/nonexistent' });
}

async function migrateBefore(db: Db): Promise<void> {
  const r = await new Migrator({ db: db.kysely, provider: migrationProvider }).migrateTo(BEFORE);
  expect(r.error).toBeUndefined();
}

const T0 = '2026-01-10T10:00:00.000Z';
/** Hosts as the schema before 006 holds them: every column set, none of them default. */
const OLD_HOSTS = [
  { name: 'alpha', host: '10.0.0.1', port: 22, username: 'automation', os_type: 'linux', transport: 'ssh', groups: '["web"]', status: 'online', status_reason: null, failures: 0, last_seen_at: T0, ssh_host_key: 'SHA256:alpha', docker_enabled: 1, docker_version: '28.5.1', docker_status: 'online', docker_status_reason: null, docker_last_collect_at: T0 },
  { name: 'beta', host: 'beta.lan', port: 2222, username: 'root', os_type: 'debian', transport: 'ssh', groups: '[]', status: 'offline', status_reason: 'connection refused', failures: 3, last_seen_at: null, ssh_host_key: null, docker_enabled: 0, docker_version: null, docker_status: 'error', docker_status_reason: 'daemon down', docker_last_collect_at: null },
  { name: 'gamma', host: 'localhost', port: 22, username: 'me', os_type: null, transport: 'local', groups: '["db","web"]', status: 'unknown', status_reason: null, failures: 0, last_seen_at: null, ssh_host_key: null, docker_enabled: 1, docker_version: '27.0.0', docker_status: 'unknown', docker_status_reason: null, docker_last_collect_at: null },
  // Deleted before migrating: its id must not be handed out again afterwards.
  { name: 'doomed', host: '10.0.0.9', port: 22, username: 'automation', os_type: null, transport: 'ssh', groups: '[]', status: 'unknown', status_reason: null, failures: 0, last_seen_at: null, ssh_host_key: null, docker_enabled: 0, docker_version: null, docker_status: 'unknown', docker_status_reason: null, docker_last_collect_at: null },
].map((h, i) => ({ ...h, created_at: T0, updated_at: `2026-01-1${i}T00:00:00.000Z` }));

/** Tables that referenced hosts before 006 and keep doing so (the alert tables are found by the catalog walk too). */
const KNOWN_CHILDREN = ['auto_restarts', 'container_restart_samples', 'docker_containers', 'docker_events', 'docker_images', 'docker_networks', 'docker_volumes', 'host_metrics', 'tasks'];

const countWhere = async (k: Kysely<any>, fk: ForeignKey, id: number | null) =>
  Number(
    (await sql<{ n: number | string }>`select count(*) as n from ${sql.table(fk.table)} where ${sql.ref(fk.column)} ${id === null ? sql`is null` : sql`= ${id}`}`.execute(k))
      .rows[0]!.n,
  );

/** A database at BEFORE holding OLD_HOSTS (minus the doomed one) and one child per host in every referencing table. */
async function seedOldSchema(db: Db): Promise<{ ids: number[]; doomedId: number; children: ForeignKey[] }> {
  await migrateBefore(db);
  const k = db.kysely as Kysely<any>;
  const ids: number[] = [];
  for (const h of OLD_HOSTS) ids.push((await k.insertInto('hosts').values(h).returning('id').executeTakeFirstOrThrow()).id);
  const doomedId = ids.pop()!;
  await k.deleteFrom('hosts').where('id', '=', doomedId).execute();
  const children = await foreignKeysTo(k, db.dialect, 'hosts');
  expect(children.map((c) => c.table)).toEqual(expect.arrayContaining(KNOWN_CHILDREN));
  for (const fk of children) {
    const cols = await columnsOf(k, db.dialect, fk.table);
    for (const id of ids) await k.insertInto(fk.table).values(rowFor(cols, fk.column, id)).execute();
  }
  return { ids, doomedId, children };
}

for (const dialect of ['sqlite', 'postgres'] as const) {
  describe(`migration ${THIS} on ${dialect === 'sqlite' ? 'SQLite' : 'PostgreSQL'}`, () => {
    it('keeps every host and every row that references one, and ON DELETE still works afterwards', async () => {
      const db = await openFresh(dialect);
      try {
        const k = db.kysely as Kysely<any>;
        const { ids, doomedId, children } = await seedOldSchema(db);
        const hostsBefore = await k.selectFrom('hosts').selectAll().orderBy('id').execute();
        const indexesBefore = await indexNames(k, dialect, 'hosts');

        // This migration alone: later ones add tables of their own that reference hosts.
        const up = await new Migrator({ db: k, provider: migrationProvider }).migrateTo(THIS);
        expect(up.error).toBeUndefined();
        expect(up.results?.map((r) => r.migrationName)).toEqual([THIS]);

        const hostsAfter = await k.selectFrom('hosts').selectAll().orderBy('id').execute();
        expect(hostsAfter).toEqual(hostsBefore.map((h) => ({ ...h, portainer_server_id: null, portainer_endpoint_id: null })));
        expect(await foreignKeysTo(k, dialect, 'hosts')).toEqual(children);
        for (const fk of children) {
          for (const id of ids) expect(await countWhere(k, fk, id), `${fk.table} of host ${id}`).toBe(1);
        }
        expect(await indexNames(k, dialect, 'hosts')).toEqual(
          expect.arrayContaining([...indexesBefore.filter((i) => !/name_key|autoindex/.test(i)), 'hosts_address', 'hosts_source_name', 'hosts_portainer_endpoint']),
        );
        if (dialect === 'sqlite') {
          // The server keeps using this connection: foreign keys must be enforced again, and nothing may dangle.
          expect((await sql<{ foreign_keys: number }>`pragma foreign_keys`.execute(k)).rows[0]!.foreign_keys).toBe(1);
          expect((await sql`pragma foreign_key_check`.execute(k)).rows).toEqual([]);
        }

        const fresh = await new HostRepository(db.kysely).create({ name: 'delta', host: '10.0.0.4', port: 22, username: 'a', os_type: null, transport: 'ssh', groups: [] });
        expect(fresh.id).toBeGreaterThan(doomedId);

        const [gone, ...kept] = ids;
        await k.deleteFrom('hosts').where('id', '=', gone!).execute();
        for (const fk of children) {
          expect(await countWhere(k, fk, gone!), `${fk.table} rows of the deleted host`).toBe(0);
          if (fk.onDelete === 'SET NULL') expect(await countWhere(k, fk, null), `${fk.table} rows set to null`).toBe(1);
          else expect(fk.onDelete, `${fk.table}.${fk.column}`).toBe('CASCADE');
          for (const id of kept) expect(await countWhere(k, fk, id), `${fk.table} of host ${id}`).toBe(1);
        }
      } finally {
        await db.close();
      }
    });

    it('takes hosts without SSH fields and holds names unique within their source', async () => {
      const db = await openFresh(dialect);
      try {
        await migrateToLatest(db.kysely);
        const hosts = new HostRepository(db.kysely);
        const ssh = { host: '10.0.0.1', port: 22, username: 'automation', os_type: null, transport: 'ssh' as const, groups: [] };
        const env = (server: number, endpoint: number, name = 'nas') => ({ name, host: null, port: null, username: null, os_type: null, transport: 'portainer' as const, groups: [], portainer_server_id: server, portainer_endpoint_id: endpoint });

        const manual = await hosts.create({ name: 'nas', ...ssh });
        const p1 = await hosts.create(env(1, 5));
        const p2 = await hosts.create(env(2, 5));
        expect(p1).toMatchObject({ name: 'nas', host: null, port: null, username: null, portainer_server_id: 1, portainer_endpoint_id: 5 });
        await expect(hosts.create({ name: 'nas', ...ssh, host: '10.0.0.2' })).rejects.toThrow();
        await expect(hosts.create(env(1, 6))).rejects.toThrow(); // same name on the same server
        await expect(hosts.create(env(1, 5, 'other'))).rejects.toThrow(); // same environment twice
        await expect(hosts.create({ ...env(1, 7, 'half'), portainer_endpoint_id: null })).rejects.toThrow();
        await expect(hosts.create({ name: 'no-user', ...ssh, username: null })).rejects.toThrow(); // ssh needs its fields

        expect((await hosts.getByName('nas'))?.id).toBe(manual.id);
        expect((await hosts.getByName('nas', 1))?.id).toBe(p1.id);
        expect((await hosts.getByName('nas', 2))?.id).toBe(p2.id);
        expect(await hosts.getByName('nas', 3)).toBeUndefined();
        expect((await hosts.getByEndpoint(2, 5))?.id).toBe(p2.id);
        expect(await hosts.getByEndpoint(2, 6)).toBeUndefined();
        await hosts.create(env(1, 8, 'apps'));
        expect((await hosts.listByServer(1)).map((h) => [h.name, h.portainer_endpoint_id])).toEqual([['apps', 8], ['nas', 5]]);
        expect((await hosts.list()).map((h) => h.name)).toEqual(['apps', 'nas', 'nas', 'nas']);
      } finally {
        await db.close();
      }
    });

    it('rolls back to the schema before it, keeping the hosts, while every host still fits that schema', async () => {
      const db = await openFresh(dialect);
      try {
        await migrateToLatest(db.kysely);
        const hosts = new HostRepository(db.kysely);
        const a = await hosts.create({ name: 'keep', host: '10.0.0.1', port: 2222, username: 'u', os_type: null, transport: 'ssh', groups: ['x'] });
        const p = await hosts.create({ name: 'keep', host: null, port: null, username: null, os_type: null, transport: 'portainer', groups: [], portainer_server_id: 1, portainer_endpoint_id: 1 });
        const migrator = new Migrator({ db: db.kysely, provider: migrationProvider });
        // A Portainer host (no SSH fields, a repeated name) has no place in the old schema: refused, nothing changed.
        expect((await migrator.migrateTo(BEFORE)).error).toBeDefined();
        expect((await hosts.list()).map((h) => h.id).sort((x, y) => x - y)).toEqual([a.id, p.id]);
        await hosts.remove(p.id);
        expect((await migrator.migrateTo(BEFORE)).error).toBeUndefined();
        const [row] = await (db.kysely as Kysely<any>).selectFrom('hosts').selectAll().execute();
        expect(row).toMatchObject({ id: a.id, name: 'keep', host: '10.0.0.1', port: 2222, username: 'u', groups: '["x"]' });
        expect(row).not.toHaveProperty('portainer_server_id');
        expect(await migrateToLatest(db.kysely)).toEqual(names.slice(names.indexOf(THIS)));
      } finally {
        await db.close();
      }
    });
  });
}
