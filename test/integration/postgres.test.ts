// One migration set and one set of repositories for both databases: the same checks run on SQLite (the default) and
// on a real PostgreSQL server (Debian's package, a throwaway instance on loopback), then the whole server on PostgreSQL.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Migrator, NO_MIGRATIONS, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Db, migrateToLatest, openDatabase, pingDatabase } from '../../src/db/database.js';
import { migrationProvider } from '../../src/db/migrations/index.js';
import { DockerRepository, type ContainerValues } from '../../src/db/repositories/docker.repository.js';
import { HostRepository } from '../../src/db/repositories/host.repository.js';
import { SettingsRepository } from '../../src/db/repositories/settings.repository.js';
import { TaskRepository } from '../../src/db/repositories/task.repository.js';
import { TokenRepository } from '../../src/db/repositories/token.repository.js';
import { UserRepository } from '../../src/db/repositories/user.repository.js';
import { startPostgres, type TestPostgres } from '../support/postgres.js';
import { startTestServer, type TestServer } from '../support/app.js';

let server: TestPostgres;
const tmpDirs: string[] = [];

beforeAll(async () => {
  server = await startPostgres();
}, 120_000);
afterAll(async () => {
  await server?.stop();
  for (const d of tmpDirs) fs.rmSync(d, { recursive: true, force: true });
});

const dialects: [string, () => Promise<Db>][] = [
  [
    'SQLite',
    async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'homelab-repo-'));
      tmpDirs.push(dir);
      return openDatabase({ databaseUrl: null, dataDir: dir });
    },
  ],
  ['PostgreSQL', async () => openDatabase({ databaseUrl: await server.createDatabase(`repo_${Date.now()}`), dataDir: '/nonexistent' })],
];

const container = (id: string, over: Partial<ContainerValues> = {}): ContainerValues => ({
  container_id: id.padEnd(64, '0'),
  name: `c-${id}`,
  image: 'homelab/busybox:1',
  state: 'running',
  status: 'Up 3 minutes',
  health: 'healthy',
  created_at: '2024-05-01T10:00:00.000Z',
  started_at: '2024-05-01T10:00:01.000Z',
  finished_at: null,
  exit_code: 0,
  oom_killed: 0,
  restart_count: 0,
  command: 'httpd -f',
  ports: JSON.stringify([{ ip: '127.0.0.1', private_port: 80, public_port: 18080, type: 'tcp' }]),
  labels: JSON.stringify({ 'com.docker.compose.project': 'shop' }),
  compose_project: 'shop',
  compose_service: 'web',
  ip_address: '172.18.0.2',
  mac_address: null,
  gateway: null,
  networks: JSON.stringify(['labnet']),
  ps_signature: null,
  stale: 0,
  last_update_at: new Date().toISOString(),
  ...over,
});

for (const [dialect, open] of dialects) {
  describe(`migrations and repositories on ${dialect}`, () => {
    let db: Db;
    beforeAll(async () => {
      db = await open();
    });
    afterAll(() => db?.close());

    it('applies every migration once, can roll all of them back and forward again', async () => {
      expect(db.dialect).toBe(dialect === 'SQLite' ? 'sqlite' : 'postgres');
      const applied = await migrateToLatest(db.kysely);
      const names = Object.keys(await migrationProvider.getMigrations()).sort();
      expect(applied).toEqual(names);
      expect(await migrateToLatest(db.kysely)).toEqual([]);
      expect(await pingDatabase(db.kysely)).toBe(true);

      const migrator = new Migrator({ db: db.kysely, provider: migrationProvider });
      const down = await migrator.migrateTo(NO_MIGRATIONS);
      expect(down.error).toBeUndefined();
      expect(await migrateToLatest(db.kysely)).toEqual(names);
    });

    it('users and API tokens: create, look up, count admins, update, cascade on delete', async () => {
      const users = new UserRepository(db.kysely);
      const tokens = new TokenRepository(db.kysely);
      const a = await users.create({ username: 'alice', password_hash: 'h1', role: 'admin' });
      const b = await users.create({ username: 'bob', password_hash: 'h2', role: 'viewer' });
      expect(a.id).toEqual(expect.any(Number));
      expect(b.id).toBeGreaterThan(a.id);
      await expect(users.create({ username: 'alice', password_hash: 'h3', role: 'viewer' })).rejects.toThrow();
      expect((await users.getByUsername('bob'))?.id).toBe(b.id);
      expect(await users.count()).toBe(2);
      expect(await users.countAdmins()).toBe(1);
      expect((await users.update(b.id, { role: 'operator' }))?.role).toBe('operator');
      await users.touchLogin(b.id);
      expect((await users.get(b.id))?.last_login_at).toEqual(expect.any(String));

      const t = await tokens.create({ user_id: b.id, name: 'ci', prefix: 'hl_abc', token_hash: 'f'.repeat(64), role: 'viewer', expires_at: null });
      expect((await tokens.getByHash('f'.repeat(64)))?.id).toBe(t.id);
      await tokens.touch(t.id);
      expect((await tokens.get(t.id))?.last_used_at).toEqual(expect.any(String));
      expect((await tokens.listForUser(b.id)).map((x) => x.name)).toEqual(['ci']);
      expect(await users.remove(b.id)).toBe(true);
      expect(await tokens.listAll()).toEqual([]);
      expect(await users.list()).toHaveLength(1);
    });

    it('hosts and metrics: unique names, lookup by address, latest sample per host, history and retention', async () => {
      const hosts = new HostRepository(db.kysely);
      const h1 = await hosts.create({ name: 'h1', host: '10.0.0.1', port: 22, username: 'automation', os_type: null, transport: 'ssh', groups: ['web'] });
      const h2 = await hosts.create({ name: 'h2', host: '10.0.0.2', port: 2222, username: 'automation', os_type: 'debian', transport: 'ssh', groups: [] });
      await expect(hosts.create({ name: 'h1', host: 'x', port: 22, username: 'u', os_type: null, transport: 'ssh', groups: [] })).rejects.toThrow();
      expect((await hosts.findByAddress('10.0.0.2', 2222))?.id).toBe(h2.id);
      expect(await hosts.findByAddress('10.0.0.2', 22)).toBeUndefined();
      expect(h1).toMatchObject({ port: 22, status: 'unknown', failures: 0, docker_enabled: 0, groups: '["web"]' });
      const up = await hosts.update(h1.id, { status: 'online', ssh_host_key: 'SHA256:x', failures: 2 });
      expect(up).toMatchObject({ status: 'online', ssh_host_key: 'SHA256:x', failures: 2 });

      const sample = (at: string, mem: number) => ({
        collected_at: at,
        uptime_s: 1000,
        load1: 0.25,
        load5: 0.5,
        load15: 0.75,
        cpu_count: 8,
        mem_total_bytes: 64 * 2 ** 30, // above 2^32: a BIGINT that must come back as a number
        mem_used_bytes: mem,
        disk_total_bytes: 4 * 2 ** 40,
        disk_used_bytes: 2 ** 40,
      });
      const now = Date.now();
      const iso = (msAgo: number) => new Date(now - msAgo).toISOString();
      await hosts.addMetrics(h1.id, sample(iso(10 * 86400_000), 1));
      await hosts.addMetrics(h1.id, sample(iso(60_000), 2));
      await hosts.addMetrics(h1.id, sample(iso(1000), 3 * 2 ** 32));
      await hosts.addMetrics(h2.id, sample(iso(2000), 4));
      const latest = await hosts.latestMetrics(h1.id);
      expect(latest).toMatchObject({ mem_used_bytes: 3 * 2 ** 32, mem_total_bytes: 64 * 2 ** 30, disk_total_bytes: 4 * 2 ** 40, load1: 0.25, cpu_count: 8 });
      expect(typeof latest!.mem_total_bytes).toBe('number');
      const all = await hosts.latestMetricsAll();
      expect(all.get(h1.id)?.mem_used_bytes).toBe(3 * 2 ** 32);
      expect(all.get(h2.id)?.mem_used_bytes).toBe(4);
      expect((await hosts.metricsHistory(h1.id, iso(3600_000))).map((m) => m.mem_used_bytes)).toEqual([2, 3 * 2 ** 32]);
      expect(await hosts.pruneMetrics(iso(7 * 86400_000))).toBe(1);
      expect(await hosts.remove(h2.id)).toBe(true);
      expect((await hosts.latestMetricsAll()).has(h2.id)).toBe(false);
      expect((await hosts.list()).map((h) => h.name)).toEqual(['h1']);
    });

    it('tasks: lifecycle, filters, interrupted tasks failed at start, host deletion keeps the task', async () => {
      const tasks = new TaskRepository(db.kysely);
      const hosts = new HostRepository(db.kysely);
      const h = await hosts.create({ name: 'task-host', host: '10.0.0.9', port: 22, username: 'a', os_type: null, transport: 'ssh', groups: [] });
      const t1 = await tasks.create({ action: 'docker.restart', host_id: h.id, target: 'web', requested_by: 'alice' });
      expect(t1).toMatchObject({ status: 'pending', started_at: null });
      const running = await tasks.markRunning(t1.id);
      expect(running.status).toBe('running');
      const done = await tasks.finish(t1.id, { status: 'success', output: 'ok', error: null, started: Date.now() - 50 });
      expect(done).toMatchObject({ status: 'success', output: 'ok' });
      expect(done.duration_ms).toBeGreaterThanOrEqual(50);
      const t2 = await tasks.create({ action: 'docker.stop', host_id: null, target: 'db', requested_by: 'bob' });
      await tasks.markRunning(t2.id);
      expect((await tasks.list({ status: 'running' })).map((t) => t.id)).toEqual([t2.id]);
      expect((await tasks.list({ host_id: h.id })).map((t) => t.id)).toEqual([t1.id]);
      expect((await tasks.list({ action: 'docker.stop' })).map((t) => t.id)).toEqual([t2.id]);
      expect((await tasks.list({ limit: 1 })).map((t) => t.id)).toEqual([t2.id]);
      expect(await tasks.failInterrupted()).toBe(1);
      expect((await tasks.get(t2.id))?.status).toBe('failed');
      await hosts.remove(h.id);
      expect((await tasks.get(t1.id))?.host_id).toBeNull();
    });

    it('settings and secrets: JSON values and ciphertexts, upserted', async () => {
      const settings = new SettingsRepository(db.kysely);
      expect(await settings.get('missing', 'fallback')).toBe('fallback');
      await settings.set('ui', { theme: 'dark', langs: ['en', 'fr'] });
      await settings.set('ui', { theme: 'light' });
      expect(await settings.get('ui', null)).toEqual({ theme: 'light' });
      expect(await settings.getSecret('portainer')).toBeNull();
      await settings.setSecret('portainer', 'v1:abc');
      await settings.setSecret('portainer', 'v1:def');
      expect(await settings.getSecret('portainer')).toBe('v1:def');
    });

    it('docker containers: applied as a diff; the same list twice changes nothing', async () => {
      const hosts = new HostRepository(db.kysely);
      const docker = new DockerRepository(db.kysely);
      const h = await hosts.create({ name: 'docker-host', host: '10.0.0.20', port: 22, username: 'a', os_type: null, transport: 'ssh', groups: [] });
      const first = await docker.applyContainers(h.id, [container('a'), container('b')], { complete: true });
      expect(first.added.map((c) => c.name).sort()).toEqual(['c-a', 'c-b']);
      expect(first.added[0]).toMatchObject({ ports: [{ public_port: 18080 }], labels: { 'com.docker.compose.project': 'shop' }, oom_killed: false, stale: false });

      // Same state, only last_update_at moved: nothing to report (a dialect returning other types would show "changed").
      const same = await docker.applyContainers(h.id, [container('a', { last_update_at: new Date().toISOString() }), container('b')], { complete: true });
      expect(same).toEqual({ added: [], changed: [], removed: [] });

      const next = await docker.applyContainers(h.id, [container('a', { state: 'exited', exit_code: 137, health: 'none' }), container('c')], { complete: true });
      expect(next.added.map((c) => c.name)).toEqual(['c-c']);
      expect(next.changed.map((c) => [c.name, c.state, c.exit_code])).toEqual([['c-a', 'exited', 137]]);
      expect(next.removed.map((c) => c.name)).toEqual(['c-b']);
      expect((await docker.listContainers(h.id)).map((c) => c.name)).toEqual(['c-a', 'c-c']);

      // A targeted refresh upserts the given containers and deletes only the ones named.
      const partial = await docker.applyContainers(h.id, [container('d')], { complete: false, removedIds: [container('a').container_id] });
      expect(partial.added.map((c) => c.name)).toEqual(['c-d']);
      expect(partial.removed.map((c) => c.name)).toEqual(['c-a']);
      expect((await docker.listContainers(h.id)).map((c) => c.name).sort()).toEqual(['c-c', 'c-d']);
      expect(await docker.findContainer(h.id, 'c-c')).toMatchObject({ name: 'c-c' });
      expect((await docker.counts()).get(h.id)).toEqual({ running: 2, total: 2 });
      // Deleting the host takes its containers with it.
      await hosts.remove(h.id);
      expect(await docker.listContainers(h.id)).toEqual([]);
    });
  });
}

describe('the server on PostgreSQL', () => {
  let ts: TestServer;
  beforeAll(async () => {
    ts = await startTestServer({ env: { HOMELAB_DATABASE_URL: await server.createDatabase('server_test') } });
  });
  afterAll(() => ts?.destroy());

  it('answers /api/health with database ok, creates a host and keeps it across a restart', async () => {
    expect(ts.container.db.dialect).toBe('postgres');
    const health = await ts.api('GET', '/api/health', { role: null });
    expect(health.body).toMatchObject({ status: 'ok', database: 'ok' });
    const created = await ts.api('POST', '/api/hosts', { body: { name: 'pg-host', host: '10.9.9.9' } });
    expect(created.status).toBe(201);
    const dup = await ts.api('POST', '/api/hosts', { body: { name: 'pg-host', host: '10.9.9.8' } });
    expect(dup.status).toBe(409);
    // Nothing went to a SQLite file in the data dir.
    expect(fs.existsSync(path.join(ts.dataDir, 'homelab.db'))).toBe(false);
    const rows = await sql<{ name: string }>`select name from hosts`.execute(ts.container.db.kysely);
    expect(rows.rows.map((r) => r.name)).toEqual(['pg-host']);

    ts = await ts.restart();
    expect((await ts.api('GET', '/api/hosts')).body.hosts.map((h: { name: string }) => h.name)).toEqual(['pg-host']);
    expect((await ts.api('GET', '/api/users')).body.users.map((u: { username: string }) => u.username).sort()).toEqual(['admin', 'operator', 'viewer']);
  });

  it('reports the database unreachable in /api/health when PostgreSQL goes away', async () => {
    await server.stop();
    const health = await ts.api('GET', '/api/health', { role: null });
    expect(health.status).toBe(200);
    expect(health.body).toMatchObject({ status: 'degraded', database: 'unreachable' });
  });
});
