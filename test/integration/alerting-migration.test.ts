// Migration 005 (alert subjects) on a database written by the schema before it (migrations up to 004), on SQLite
// and on a real PostgreSQL: every alert, grace clock and silence comes over with its fields unchanged and its subject
// derived from what the row already said; then the server runs on that database and the rows behave as before.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type Kysely, Migrator } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Db, migrateToLatest, openDatabase } from '../../src/db/database.js';
import { migrationProvider } from '../../src/db/migrations/index.js';
import { startPostgres, type TestPostgres } from '../support/postgres.js';
import { type NtfyReceiver, startNtfyReceiver } from '../support/receivers/index.js';
import { DockerStore, type Harness, eventually, removeDir, startAlerting } from './alerting-support.js';

let server: TestPostgres;
let ntfy: NtfyReceiver;
const tmpDirs: string[] = [];

beforeAll(async () => {
  [server, ntfy] = await Promise.all([startPostgres(), startNtfyReceiver()]);
}, 120_000);
afterAll(async () => {
  await server?.stop();
  await ntfy?.close();
  for (const d of tmpDirs) removeDir(d);
});

const ago = (min: number) => new Date(Date.now() - min * 60_000).toISOString();
const inHours = (h: number) => new Date(Date.now() + h * 3_600_000).toISOString();

/** Rows as the code before migration 005 wrote them (same columns, same target grammar). */
async function writeLegacyRows(db: Kysely<any>) {
  const host = async (name: string) =>
    (
      await db
        .insertInto('hosts')
        .values({ name, host: '127.0.0.1', port: 22, username: 'automation', status: 'online', docker_enabled: 1, docker_status: 'online', created_at: ago(60), updated_at: ago(60) })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id as number;
  const h1 = await host('mig-a');
  const h2 = await host('mig-b');
  const base = { occurrences: 1, closed_at: null, last_notified_at: null, notified_state: null, acknowledged_by: null, acknowledged_at: null, ack_comment: null };
  const alerts = [
    { ...base, source: 'docker', host_id: h1, target: `docker:${h1}:web:down`, container_name: 'web', rule: 'container_down', severity: 'error', state: 'open', message: 'Container web is exited, expected running', opened_at: ago(30), last_notified_at: ago(30), notified_state: 'opened' },
    { ...base, source: 'docker', host_id: h1, target: `docker:${h1}:api:unhealthy`, container_name: 'api', rule: 'container_unhealthy', severity: 'warning', state: 'acknowledged', message: 'Container api health check failing', opened_at: ago(40), occurrences: 2, acknowledged_by: 'operator', acknowledged_at: ago(35), ack_comment: 'on it', last_notified_at: ago(40), notified_state: 'opened' },
    { ...base, source: 'host', host_id: h2, target: `host:${h2}:offline`, container_name: null, rule: 'host_offline', severity: 'critical', state: 'closed', message: 'Host mig-b is offline: connect ECONNREFUSED', opened_at: ago(50), closed_at: ago(45), last_notified_at: ago(50), notified_state: 'resolved' },
    { ...base, source: 'host', host_id: h2, target: `host:${h2}:docker`, container_name: null, rule: 'docker_unreachable', severity: 'error', state: 'open', message: 'Docker daemon unreachable on mig-b', opened_at: ago(20) },
  ];
  for (const a of alerts) await db.insertInto('alerts').values(a).execute();
  const silences = [
    { host_id: h1, container_name: 'quiet', reason: 'disk swap', until: inHours(2), created_by: 'operator', created_at: ago(5) },
    { host_id: h2, container_name: null, reason: 'maintenance', until: inHours(2), created_by: 'admin', created_at: ago(5) },
  ];
  for (const s of silences) await db.insertInto('silences').values(s).execute();
  const conditions = [
    { target: `docker:${h1}:slow:down`, host_id: h1, rule: 'container_down', first_seen_at: ago(10), last_seen_at: ago(1) },
    { target: `host:${h2}:docker`, host_id: h2, rule: 'docker_unreachable', first_seen_at: ago(3), last_seen_at: ago(1) },
  ];
  for (const c of conditions) await db.insertInto('alert_conditions').values(c).execute();
  return { h1, h2 };
}

const all = (db: Kysely<any>, table: string, order: string) => db.selectFrom(table).selectAll().orderBy(order).execute();
const pick = (row: Record<string, unknown>, keys: string[]): Record<string, any> => Object.fromEntries(keys.map((k) => [k, row[k]]));

const dialects: [string, () => Promise<{ db: Db; env: Record<string, string>; dataDir: string }>][] = [
  [
    'SQLite',
    async () => {
      const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'homelab-mig005-'));
      tmpDirs.push(dataDir);
      return { db: openDatabase({ databaseUrl: null, dataDir }), env: {}, dataDir };
    },
  ],
  [
    'PostgreSQL',
    async () => {
      const url = await server.createDatabase(`mig005_${Date.now()}`);
      const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'homelab-mig005-'));
      tmpDirs.push(dataDir);
      return { db: openDatabase({ databaseUrl: url, dataDir }), env: { HOMELAB_DATABASE_URL: url }, dataDir };
    },
  ],
];

for (const [dialect, open] of dialects) {
  describe(`migration 005 (alert subjects) on ${dialect}`, () => {
    let env: Record<string, string>;
    let dataDir: string;
    let ids: { h1: number; h2: number };

    it('carries every alert, grace clock and silence over, each with its subject and nothing else changed', async () => {
      const o = await open();
      ({ env, dataDir } = o);
      const db = o.db.kysely as Kysely<any>;
      const to004 = await new Migrator({ db, provider: migrationProvider }).migrateTo('004_alert_engine');
      expect(to004.error).toBeUndefined();
      ids = await writeLegacyRows(db);
      const { h1, h2 } = ids;
      const before = { alerts: await all(db, 'alerts', 'id'), silences: await all(db, 'silences', 'id'), conditions: await all(db, 'alert_conditions', 'target') };

      expect(await migrateToLatest(db)).toContain('005_alert_subjects');

      const alerts = await all(db, 'alerts', 'id');
      expect(alerts).toHaveLength(before.alerts.length);
      alerts.forEach((row, i) => expect(pick(row, Object.keys(before.alerts[i]!))).toEqual(before.alerts[i]));
      const subjects = alerts.map((r) => pick(r, ['target', 'source', 'subject_kind', 'subject_key', 'subject_name', 'scope']));
      expect(subjects).toEqual([
        { target: `docker:${h1}:web:down`, source: 'docker', subject_kind: 'container', subject_key: `docker:${h1}:web`, subject_name: 'web', scope: `host:${h1}` },
        { target: `docker:${h1}:api:unhealthy`, source: 'docker', subject_kind: 'container', subject_key: `docker:${h1}:api`, subject_name: 'api', scope: `host:${h1}` },
        { target: `host:${h2}:offline`, source: 'host', subject_kind: 'host', subject_key: `host:${h2}`, subject_name: 'mig-b', scope: `host:${h2}` },
        { target: `host:${h2}:docker`, source: 'host', subject_kind: 'host', subject_key: `host:${h2}`, subject_name: 'mig-b', scope: `host:${h2}` },
      ]);

      const silences = await all(db, 'silences', 'id');
      expect(silences).toHaveLength(2);
      silences.forEach((row, i) => expect(pick(row, Object.keys(before.silences[i]!))).toEqual(before.silences[i]));
      expect(silences.map((r) => pick(r, ['subject_key', 'scope']))).toEqual([
        { subject_key: `docker:${h1}:quiet`, scope: `host:${h1}` },
        { subject_key: null, scope: `host:${h2}` },
      ]);
      // ids go on from where they were (the SQLite table was rebuilt)
      const next = await db
        .insertInto('silences')
        .values({ host_id: h1, container_name: null, subject_key: null, scope: `host:${h1}`, reason: null, until: ago(1), created_by: 'admin', created_at: ago(1) })
        .returning('id')
        .executeTakeFirstOrThrow();
      expect(next.id).toBe(Math.max(...silences.map((s) => s.id as number)) + 1);
      await db.deleteFrom('silences').where('id', '=', next.id).execute();

      const conditions = await all(db, 'alert_conditions', 'target');
      conditions.forEach((row, i) => expect(pick(row, Object.keys(before.conditions[i]!))).toEqual(before.conditions[i]));
      expect(conditions.map((r) => pick(r, ['target', 'source', 'subject_kind', 'subject_key', 'subject_name', 'scope']))).toEqual([
        { target: `docker:${h1}:slow:down`, source: 'docker', subject_kind: 'container', subject_key: `docker:${h1}:slow`, subject_name: 'slow', scope: `host:${h1}` },
        { target: `host:${h2}:docker`, source: 'host', subject_kind: 'host', subject_key: `host:${h2}`, subject_name: 'mig-b', scope: `host:${h2}` },
      ].sort((a, b) => (a.target < b.target ? -1 : 1)));

      // the one-open-alert rule holds on the migrated rows: a second open "web down" is refused
      await expect(
        db
          .insertInto('alerts')
          .values({ ...pick(alerts[0]!, ['source', 'host_id', 'target', 'container_name', 'rule', 'severity', 'message', 'subject_kind', 'subject_key', 'subject_name', 'scope']), state: 'open', occurrences: 1, opened_at: ago(0) })
          .execute(),
      ).rejects.toThrow();
      await o.db.close();
    });

    it('then behaves: the API shows the subjects, the engine closes the migrated alert, the clock and the silences hold', async () => {
      let h: Harness | undefined;
      const { h1, h2 } = ids;
      try {
        // The Docker store holds "slow" when the server starts (as after a collection): the first pass judges it.
        const docker = new DockerStore({ c: { bus: { emit() {} } } } as unknown as Harness);
        docker.set(h1, 'slow', { state: 'exited', labels: { 'homelab.monitor': 'true', 'homelab.grace': '300' } });
        h = await startAlerting({ ...env, HOMELAB_ALERT_GRACE: '0', HOMELAB_ALERT_COOLDOWN: '300' }, { dataDir, docker });
        expect((await h.api('POST', '/api/notifications/channels', { body: { name: 'phone', kind: 'ntfy', config: { server_url: ntfy.url, topic: `mig-${dialect}` } } })).status).toBe(201);
        const list = (await h.api('GET', '/api/alerts?state=all', { role: 'viewer' })).body.alerts as any[];
        const web = list.find((a) => a.target === `docker:${h1}:web:down`);
        expect(web).toMatchObject({ state: 'open', host_name: 'mig-a', container_name: 'web', subject: { source: 'docker', kind: 'container', key: `docker:${h1}:web`, name: 'web', scope: `host:${h1}` } });
        // the migrated clock (first seen 10 min ago) was past the 5 min grace at once: a fresh clock would wait 5 min
        expect(list.find((a) => a.target === `docker:${h1}:slow:down`)).toMatchObject({ state: 'open', message: 'Container slow is exited, expected running' });
        expect(list.find((a) => a.target === `docker:${h1}:api:unhealthy`)).toMatchObject({ state: 'acknowledged', acknowledged_by: 'operator', ack_comment: 'on it', occurrences: 2 });
        const silences = (await h.api('GET', '/api/silences', { role: 'viewer' })).body.silences as any[];
        expect(silences.map((s) => pick(s, ['host_id', 'host_name', 'container_name', 'subject_key', 'scope', 'active'])).sort((a, b) => (a.scope < b.scope ? -1 : 1))).toEqual(
          [
            { host_id: h1, host_name: 'mig-a', container_name: 'quiet', subject_key: `docker:${h1}:quiet`, scope: `host:${h1}`, active: true },
            { host_id: h2, host_name: 'mig-b', container_name: null, subject_key: null, scope: `host:${h2}`, active: true },
          ].sort((a, b) => (a.scope < b.scope ? -1 : 1)),
        );

        // the container of the migrated open alert is fine: that very alert closes
        h.docker.set(h1, 'web');
        await eventually(async () => (await h!.api('GET', `/api/alerts/${web.id}`)).body.state === 'closed', 5_000, 'migrated alert closed');


        // the migrated silences hold: a container silence on mig-a (not its neighbour), a host silence on mig-b
        h.docker.set(h1, 'quiet', { state: 'exited' });
        h.docker.set(h2, 'any', { state: 'exited' });
        h.docker.set(h1, 'loud', { state: 'exited' });
        await ntfy.waitFor((m) => m.topic === `mig-${dialect}` && m.message.startsWith('loud:'), 5_000);
        const held = async () => ((await h!.api('GET', '/api/alerts?state=open')).body.alerts as any[]).filter((a) => ['quiet', 'any'].includes(a.container_name));
        const opened = await eventually(async () => ((await held()).length === 2 ? held() : null), 5_000, 'silenced alerts open');
        expect(opened.map((a) => a.last_notified_at)).toEqual([null, null]);
        await ntfy.messages.noneWithin(1_000, (m) => m.topic === `mig-${dialect}` && (m.message.startsWith('quiet:') || m.message.startsWith('any:')));
      } finally {
        await h?.close();
      }
    });
  });
}
