// Log capture on the real lab: the seeded `noisy` container writes `tick N` on stdout and `warn N` on stderr every
// second. Capture is turned on per container (or by its label), each collection stores the new lines once, and the
// search finds them across hosts. The repository and its full-text search also run on a real PostgreSQL.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Db, migrateToLatest, openDatabase } from '../../src/db/database.js';
import { HostRepository } from '../../src/db/repositories/host.repository.js';
import { LogRepository } from '../../src/db/repositories/log.repository.js';
import { SEED, sharedLab, type LabHost } from '../lab/index.js';
import { startPostgres, type TestPostgres } from '../support/postgres.js';
import { startTestServer, type TestServer } from '../support/app.js';
import { docker, enableHost, sleep } from './docker-support.js';

const LABELLED = 'logcap-labelled';
let ts: TestServer;
let h1: LabHost;
let h2: LabHost;
let id1: number;
let id2: number;
let turnedOnAt: string;

let pg: TestPostgres;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'homelab-logs-'));
beforeAll(async () => {
  pg = await startPostgres();
}, 120_000);
afterAll(async () => {
  await pg?.stop();
  fs.rmSync(tmp, { recursive: true, force: true });
});

const settings = (hostId: number, ref: string, body: unknown, role: 'operator' | 'viewer' = 'operator') =>
  ts.api('PATCH', `/api/docker/containers/${hostId}/${encodeURIComponent(ref)}/settings`, { role, body });
const collect = async (hostId: number) => {
  const r = await ts.api('POST', `/api/docker/hosts/${hostId}/collect`);
  expect(r.status, JSON.stringify(r.body)).toBe(200);
};
const search = async (q: string) => {
  const r = await ts.api('GET', `/api/logs?${q}`, { role: 'viewer' });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body.lines as { host_id: number; host_name: string; container_name: string; ts: string; stream: string; text: string }[];
};
const containerOf = async (hostId: number, name: string) => {
  const r = await ts.api('GET', `/api/docker/hosts/${hostId}/containers`, { role: 'viewer' });
  return (r.body.containers as any[]).find((c) => c.name === name);
};
/** `docker logs --timestamps` on the host's own socket: what Docker itself has, as "ts stream text". */
async function truth(h: LabHost, ref: string): Promise<Set<string>> {
  const out = await h.docker(['logs', '--timestamps', ref]);
  const set = new Set<string>();
  for (const [stream, text] of [['stdout', out.stdout], ['stderr', out.stderr]] as const) {
    for (const line of text.split('\n').filter(Boolean)) {
      const i = line.indexOf(' ');
      set.add(`${line.slice(0, i)} ${stream} ${line.slice(i + 1)}`);
    }
  }
  return set;
}
const numbers = (lines: { text: string }[], word: string) =>
  lines.filter((l) => l.text.startsWith(`${word} `)).map((l) => Number(l.text.slice(word.length + 1))).sort((a, b) => a - b);

// The whole flow on both databases: the full-text search is the part that differs.
for (const dialect of ['SQLite', 'PostgreSQL'] as const) describe(`log capture on the lab (${dialect})`, () => {
  beforeAll(async () => {
    const lab = sharedLab();
    [h1, h2] = [lab.hosts[0]!, lab.hosts[1]!];
    const env: Record<string, string> = dialect === 'PostgreSQL' ? { HOMELAB_DATABASE_URL: await pg.createDatabase(`logcap_${Date.now()}`) } : {};
    ts = await startTestServer({ sshKeyFile: lab.clientKeyPath, env });
    await h1.docker(['rm', '-f', LABELLED]);
    await docker(h1, [
      'run', '-d', '--name', LABELLED, '--init', '--label', 'homelab.logs.capture=stderr', 'homelab/busybox:1', 'sh', '-c',
      'i=0; while true; do i=$((i+1)); echo "lblout $i"; echo "lblerr $i" >&2; sleep 1; done',
    ]);
    ({ id: id1 } = await enableHost(ts, 'logcap-1', h1));
    ({ id: id2 } = await enableHost(ts, 'logcap-2', h2));
  }, 60_000);
  afterAll(async () => {
    await ts?.destroy();
    await h1?.docker(['rm', '-f', LABELLED]);
  });

  it('exposes the effective value on containers: off by default, the label when nothing is stored', async () => {
    expect((await containerOf(id1, SEED.noisy)).log_capture).toBe('off');
    expect((await containerOf(id1, LABELLED)).log_capture).toBe('stderr');
  });

  it('refuses bad settings and unknown containers, and viewers', async () => {
    expect((await settings(id1, SEED.noisy, { log_capture: 'loud' })).status).toBe(422);
    expect((await settings(id1, SEED.noisy, {})).status).toBe(422);
    expect((await settings(id1, SEED.noisy, { log_capture: 'both', extra: 1 })).status).toBe(422);
    const unknown = await settings(id1, 'no-such-container', { log_capture: 'both' });
    expect(unknown.status).toBe(404);
    expect(unknown.body).toEqual({ error: expect.any(String), message: expect.any(String) });
    expect((await settings(999_999, SEED.noisy, { log_capture: 'both' })).status).toBe(404);
    expect((await settings(id1, SEED.noisy, { log_capture: 'both' }, 'viewer')).status).toBe(403);
    expect((await containerOf(id1, SEED.noisy)).log_capture).toBe('off');
    for (const q of ['stream=both', 'limit=0', 'limit=abc', 'since=yesterday', 'until=2026-13-45', 'host_id=x', 'nope=1', `q=${'a'.repeat(201)}`]) {
      const r = await ts.api('GET', `/api/logs?${q}`, { role: 'viewer' });
      expect(r.status, q).toBe(422);
      expect(r.body).toEqual({ error: expect.any(String), message: expect.any(String) });
    }
    expect((await ts.api('GET', '/api/logs', { role: null })).status).toBe(401);
  });

  it('stores new lines at each collection, once, of the chosen stream, nothing from before it was turned on', async () => {
    turnedOnAt = new Date().toISOString();
    const on1 = await settings(id1, SEED.noisy, { log_capture: 'stdout' });
    expect(on1.status, JSON.stringify(on1.body)).toBe(200);
    expect(on1.body.log_capture).toBe('stdout');
    expect((await settings(id2, SEED.noisy, { log_capture: 'both' })).status).toBe(200);
    for (let i = 0; i < 3; i++) {
      await sleep(2200);
      await Promise.all([collect(id1), collect(id2)]);
    }
    const l1 = await search(`host_id=${id1}&container=${SEED.noisy}&limit=1000`);
    expect(l1.length).toBeGreaterThanOrEqual(4);
    expect(new Set(l1.map((l) => l.stream))).toEqual(new Set(['stdout']));
    expect(l1.every((l) => l.host_id === id1 && l.host_name === 'logcap-1' && l.container_name === SEED.noisy)).toBe(true);
    expect(l1.every((l) => l.ts >= turnedOnAt)).toBe(true);
    // Once each, and none missing in between: the ticks are consecutive.
    const ticks = numbers(l1, 'tick');
    expect(ticks.length).toBe(l1.length);
    expect(ticks).toEqual(ticks.map((_, i) => ticks[0]! + i));
    // Newest first.
    expect(l1.map((l) => l.ts)).toEqual([...l1.map((l) => l.ts)].sort().reverse());
    const real = await truth(h1, SEED.noisy);
    for (const l of l1) expect(real).toContain(`${l.ts} ${l.stream} ${l.text}`);

    const l2 = await search(`host_id=${id2}&container=${SEED.noisy}&limit=1000`);
    const warns = numbers(l2, 'warn');
    expect(numbers(l2, 'tick').length).toBeGreaterThanOrEqual(4);
    expect(warns.length).toBeGreaterThanOrEqual(4);
    expect(warns).toEqual(warns.map((_, i) => warns[0]! + i));
    expect(new Set(l2.map((l) => `${l.ts} ${l.stream} ${l.text}`)).size).toBe(l2.length);
    expect(l2.filter((l) => l.stream === 'stderr').every((l) => l.text.startsWith('warn '))).toBe(true);
  });

  it('captures by the label default: stderr only', async () => {
    const lines = await search(`host_id=${id1}&container=${LABELLED}&limit=1000`);
    expect(lines.length).toBeGreaterThanOrEqual(3);
    expect(lines.every((l) => l.stream === 'stderr' && l.text.startsWith('lblerr '))).toBe(true);
  });

  it('keeps the setting for the container name across recreation', async () => {
    expect((await settings(id1, LABELLED, { log_capture: 'both' })).status).toBe(200);
    const oldId = (await containerOf(id1, LABELLED)).container_id;
    await docker(h1, ['rm', '-f', LABELLED]);
    await docker(h1, ['run', '-d', '--name', LABELLED, '--init', '--label', 'homelab.logs.capture=stderr', 'homelab/busybox:1', 'sh', '-c', 'while true; do echo "again"; sleep 1; done']);
    await collect(id1);
    const c = await containerOf(id1, LABELLED);
    expect(c.container_id).not.toBe(oldId);
    expect(c.log_capture).toBe('both');
    await sleep(2200);
    await collect(id1);
    expect((await search(`q=again&container=${LABELLED}`)).length).toBeGreaterThan(0);
  });

  it('searches by word across hosts, with host, container, stream and time filters', async () => {
    const ticks = await search('q=tick&limit=1000');
    expect(new Set(ticks.map((l) => l.host_id))).toEqual(new Set([id1, id2]));
    expect(ticks.every((l) => /\btick\b/.test(l.text))).toBe(true);
    const warns = await search('q=warn&limit=1000');
    expect(warns.length).toBeGreaterThan(0);
    expect(warns.every((l) => l.host_id === id2 && l.stream === 'stderr')).toBe(true);
    expect(await search('q=warn&stream=stdout')).toEqual([]);
    expect(await search(`q=tick&host_id=${id1}&stream=stderr`)).toEqual([]);
    const lbl = await search(`q=lblerr&container=${LABELLED}`);
    expect(lbl.length).toBeGreaterThan(0);
    // Search syntax is text: no error, no match.
    for (const q of ['"', 'tick" OR "warn', 'NEAR(tick', 'text:tick', '*', "'; drop table docker_log_lines; --"]) {
      const r = await ts.api('GET', `/api/logs?q=${encodeURIComponent(q)}`, { role: 'viewer' });
      expect(r.status, q).toBe(200);
    }
    expect((await search(`q=${encodeURIComponent('tick 3')}`)).every((l) => l.text === 'tick 3')).toBe(true);
    const all = await search(`host_id=${id2}&limit=1000`);
    const mid = all[Math.floor(all.length / 2)]!.ts;
    const after = await search(`host_id=${id2}&since=${mid}&limit=1000`);
    const before = await search(`host_id=${id2}&until=${mid}&limit=1000`);
    expect(after.every((l) => l.ts >= mid) && before.every((l) => l.ts <= mid)).toBe(true);
    expect(after.length + before.length).toBeGreaterThanOrEqual(all.length);
    expect(after.length).toBeLessThan(all.length);
    expect(await search('limit=3')).toHaveLength(3);
  });

  it('stops storing when turned off', async () => {
    const off = await settings(id1, SEED.noisy, { log_capture: 'off' });
    expect(off.status).toBe(200);
    expect((await containerOf(id1, SEED.noisy)).log_capture).toBe('off');
    const count = (await search(`host_id=${id1}&container=${SEED.noisy}&limit=1000`)).length;
    await sleep(2200);
    await collect(id1);
    expect((await search(`host_id=${id1}&container=${SEED.noisy}&limit=1000`)).length).toBe(count);
    // The other host's capture goes on.
    const before = (await search(`host_id=${id2}&limit=1000`)).length;
    await collect(id2);
    expect((await search(`host_id=${id2}&limit=1000`)).length).toBeGreaterThan(before);
  });
});

describe('log repository and full-text search on SQLite and PostgreSQL', () => {
  for (const dialect of ['SQLite', 'PostgreSQL'] as const) {
    it(`stores, searches and prunes on ${dialect}`, async () => {
      const db: Db = dialect === 'SQLite'
        ? await openDatabase({ databaseUrl: null, dataDir: tmp })
        : await openDatabase({ databaseUrl: await pg.createDatabase(`logs_${Date.now()}`), dataDir: '/nonexistent' });
      try {
        await migrateToLatest(db.kysely);
        const hosts = new HostRepository(db.kysely);
        const a = await hosts.create({ name: 'a', host: '10.0.0.1', port: 22, username: 'u', os_type: null, transport: 'ssh', groups: [] });
        const b = await hosts.create({ name: 'b', host: '10.0.0.2', port: 22, username: 'u', os_type: null, transport: 'ssh', groups: [] });
        const repo = new LogRepository(db.kysely);
        const t = (s: number) => `2026-12-01T10:00:${String(s).padStart(2, '0')}.000000000Z`;
        for (const [h, name] of [[a.id, 'web'], [b.id, 'db']] as const) {
          await repo.setStarted(h, name, t(0));
          await repo.append(h, name, [
            { container_id: 'c1', ts: t(1), stream: 'stdout', text: `GET /index.html 200 from ${name}` },
            { container_id: 'c1', ts: t(2), stream: 'stderr', text: 'connection refused: retrying' },
            { container_id: 'c1', ts: t(3), stream: 'stdout', text: 'it\'s "quoted" AND * NEAR(x)' },
          ], { last_ts: t(3), last_ts_count: 1 });
        }
        expect((await repo.captureStates(a.id)).get('web')).toMatchObject({ last_ts: t(3), last_ts_count: 1, started_at: t(0) });
        const refused = await repo.search({ q: 'refused', limit: 10 });
        expect(refused.map((l) => l.host_name).sort()).toEqual(['a', 'b']);
        expect(refused[0]).toEqual({ host_id: expect.any(Number), host_name: expect.any(String), container_name: expect.any(String), ts: t(2), stream: 'stderr', text: 'connection refused: retrying' });
        expect((await repo.search({ q: 'connection retrying', limit: 10 })).length).toBe(2);
        expect(await repo.search({ q: 'connection nowhere', limit: 10 })).toEqual([]);
        for (const q of ['"quoted" AND *', 'NEAR(x)', '"', "'; drop table hosts; --"]) await repo.search({ q, limit: 10 });
        expect((await repo.search({ q: 'quoted', host_id: b.id, limit: 10 })).map((l) => l.container_name)).toEqual(['db']);
        expect((await repo.search({ container: 'web', stream: 'stdout', limit: 10 })).map((l) => l.ts)).toEqual([t(3), t(1)]);
        expect((await repo.search({ since: t(2), until: t(2), limit: 10 })).length).toBe(2);
        expect((await repo.search({ limit: 10 })).map((l) => l.ts)).toEqual([t(3), t(3), t(2), t(2), t(1), t(1)]);
        // Retention: a cap per container, then age; the index follows the deletions.
        expect(await repo.prune(t(0), 2)).toBe(2);
        expect(await repo.count(a.id, 'web')).toBe(2);
        expect(await repo.search({ q: 'index', limit: 10 })).toEqual([]);
        expect(await repo.prune(t(3), 10)).toBe(2);
        expect((await repo.search({ limit: 10 })).map((l) => l.ts)).toEqual([t(3), t(3)]);
        expect((await repo.search({ q: 'quoted', limit: 10 })).length).toBe(2);
      } finally {
        await db.close();
      }
    });
  }
});
