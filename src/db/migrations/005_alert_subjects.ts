import { type Kysely, sql } from 'kysely';
import { isPostgres, notNull, withId } from './helpers.js';

/**
 * Alerts, grace clocks and silences move from "a host + a container name" to a *subject* (source, kind, key, name,
 * scope; see src/core/alert-rules.ts for the keys). Targets stay exactly as they were (subject key + rule), so
 * every existing row keeps matching the rules; the subject columns are derived from the columns each row already
 * has, and nothing else is touched.
 *
 * SQLite cannot relax `silences.host_id NOT NULL` in place: that table (which nothing references) is rebuilt with
 * the same ids. The alerts table is only given columns (rebuilding it would fire the outbox's ON DELETE SET NULL).
 * SQLite runs migrations outside a transaction, so this one opens its own: it applies whole or not at all.
 */

const SUBJECT_COLUMNS = ['subject_kind', 'subject_key', 'subject_name', 'scope'] as const;

/** The legacy target grammar, frozen here (the migration must not follow later changes of the rules module). */
function legacySubject(target: string, hostName: string | null) {
  const p = target.split(':');
  if (p[0] === 'docker' && p.length === 4 && /^\d+$/.test(p[1]!)) {
    return { source: 'docker', subject_kind: 'container', subject_key: `docker:${p[1]}:${p[2]}`, subject_name: p[2]!, scope: `host:${p[1]}` };
  }
  if (p[0] === 'host' && p.length === 3 && /^\d+$/.test(p[1]!)) {
    return { source: 'host', subject_kind: 'host', subject_key: `host:${p[1]}`, subject_name: hostName ?? `host ${p[1]}`, scope: `host:${p[1]}` };
  }
  // not a target we make: it stays its own subject, so it is neither lost nor mixed with another
  return { source: p[0] || 'unknown', subject_kind: 'unknown', subject_key: target, subject_name: target, scope: target };
}

async function upAlerts(db: Kysely<any>): Promise<void> {
  for (const col of SUBJECT_COLUMNS) {
    await db.schema.alterTable('alerts').addColumn(col, 'text', (c) => c.notNull().defaultTo('')).execute();
  }
  // Set-based (the history can be long): containers and hosts from the columns every row has.
  await sql`update alerts set subject_kind = 'container', subject_key = 'docker:' || host_id || ':' || container_name,
      subject_name = container_name, scope = 'host:' || host_id
    where source = 'docker' and host_id is not null and container_name is not null`.execute(db);
  await sql`update alerts set subject_kind = 'host', subject_key = 'host:' || host_id,
      subject_name = coalesce((select name from hosts where hosts.id = alerts.host_id), 'host ' || host_id), scope = 'host:' || host_id
    where source = 'host' and host_id is not null`.execute(db);
  const rest = await db.selectFrom('alerts').select(['id', 'target']).where('subject_key', '=', '').execute();
  for (const r of rest) {
    const s = legacySubject(r.target, null);
    await db.updateTable('alerts').set({ subject_kind: s.subject_kind, subject_key: s.subject_key, subject_name: s.subject_name, scope: s.scope }).where('id', '=', r.id).execute();
  }
  await db.schema.dropIndex('alerts_one_open_per_target').execute();
  // One open (or acknowledged) alert per subject and rule, whatever races happen above: the database enforces it.
  await db.schema
    .createIndex('alerts_one_open_per_subject_rule')
    .on('alerts')
    .columns(['subject_key', 'rule'])
    .unique()
    .where(sql.ref('state'), '<>', 'closed')
    .execute();
  await db.schema.createIndex('alerts_subject').on('alerts').columns(['subject_key', 'rule', 'state']).execute();
  await db.schema.createIndex('alerts_scope_state').on('alerts').columns(['scope', 'state']).execute();
}

async function upConditions(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('alert_conditions').addColumn('source', 'text', (c) => c.notNull().defaultTo('')).execute();
  for (const col of SUBJECT_COLUMNS) {
    await db.schema.alterTable('alert_conditions').addColumn(col, 'text', (c) => c.notNull().defaultTo('')).execute();
  }
  // Only the clocks running now (a handful): their targets are ours, read with the frozen grammar.
  const rows = await db
    .selectFrom('alert_conditions')
    .leftJoin('hosts', 'hosts.id', 'alert_conditions.host_id')
    .select(['alert_conditions.target', 'hosts.name as host_name'])
    .execute();
  for (const r of rows) {
    await db.updateTable('alert_conditions').set(legacySubject(r.target, r.host_name)).where('target', '=', r.target).execute();
  }
  await db.schema.createIndex('alert_conditions_subject').on('alert_conditions').column('subject_key').execute();
}

/** A silence covers one subject (subject_key) or everything under a scope (subject_key null). */
async function upSilences(db: Kysely<any>): Promise<void> {
  const subjectKey = sql<string | null>`case when container_name is null then null else 'docker:' || host_id || ':' || container_name end`;
  if (isPostgres(db)) {
    await db.schema.alterTable('silences').addColumn('subject_key', 'text').execute();
    await db.schema.alterTable('silences').addColumn('scope', 'text').execute();
    await db.updateTable('silences').set({ subject_key: subjectKey, scope: sql`'host:' || host_id` }).execute();
    await db.schema.alterTable('silences').alterColumn('scope', (c) => c.setNotNull()).execute();
    await db.schema.alterTable('silences').alterColumn('host_id', (c) => c.dropNotNull()).execute();
  } else {
    await withId(db, db.schema.createTable('silences_v5'))
      .addColumn('host_id', 'integer', (c) => c.references('hosts.id').onDelete('cascade'))
      .addColumn('container_name', 'text')
      .addColumn('subject_key', 'text')
      .addColumn('scope', 'text', notNull)
      .addColumn('reason', 'text')
      .addColumn('until', 'text', notNull)
      .addColumn('created_by', 'text', notNull)
      .addColumn('created_at', 'text', notNull)
      .execute();
    await sql`insert into silences_v5 (id, host_id, container_name, subject_key, scope, reason, until, created_by, created_at)
      select id, host_id, container_name, ${subjectKey}, 'host:' || host_id, reason, until, created_by, created_at from silences`.execute(db);
    await db.schema.dropTable('silences').execute();
    await db.schema.alterTable('silences_v5').renameTo('silences').execute();
  }
  await db.schema.createIndex('silences_scope').on('silences').columns(['scope', 'until']).execute();
  await db.schema.createIndex('silences_subject').on('silences').columns(['subject_key', 'until']).execute();
}

export async function up(db: Kysely<any>): Promise<void> {
  const run = async (trx: Kysely<any>) => {
    await upAlerts(trx);
    await upConditions(trx);
    await upSilences(trx);
  };
  // PostgreSQL: the migrator already runs each migration in a transaction (and a nested one is refused).
  if (isPostgres(db)) await run(db);
  else await db.transaction().execute(run);
}

/** Back to 004's shape. Silences of no host (a scope other than a host) cannot be represented there and go. */
export async function down(db: Kysely<any>): Promise<void> {
  const run = async (trx: Kysely<any>) => {
    await trx.schema.dropIndex('silences_subject').execute();
    await trx.schema.dropIndex('silences_scope').execute();
    await trx.deleteFrom('silences').where('host_id', 'is', null).execute();
    if (isPostgres(trx)) {
      await trx.schema.alterTable('silences').dropColumn('subject_key').execute();
      await trx.schema.alterTable('silences').dropColumn('scope').execute();
      await trx.schema.alterTable('silences').alterColumn('host_id', (c) => c.setNotNull()).execute();
    } else {
      await withId(trx, trx.schema.createTable('silences_v4'))
        .addColumn('host_id', 'integer', (c) => c.notNull().references('hosts.id').onDelete('cascade'))
        .addColumn('container_name', 'text')
        .addColumn('reason', 'text')
        .addColumn('until', 'text', notNull)
        .addColumn('created_by', 'text', notNull)
        .addColumn('created_at', 'text', notNull)
        .execute();
      await sql`insert into silences_v4 (id, host_id, container_name, reason, until, created_by, created_at)
        select id, host_id, container_name, reason, until, created_by, created_at from silences`.execute(trx);
      await trx.schema.dropTable('silences').execute();
      await trx.schema.alterTable('silences_v4').renameTo('silences').execute();
    }
    await trx.schema.dropIndex('alert_conditions_subject').execute();
    for (const col of ['source', ...SUBJECT_COLUMNS]) await trx.schema.alterTable('alert_conditions').dropColumn(col).execute();
    for (const ix of ['alerts_scope_state', 'alerts_subject', 'alerts_one_open_per_subject_rule']) await trx.schema.dropIndex(ix).execute();
    for (const col of SUBJECT_COLUMNS) await trx.schema.alterTable('alerts').dropColumn(col).execute();
    await trx.schema
      .createIndex('alerts_one_open_per_target')
      .on('alerts')
      .column('target')
      .unique()
      .where(sql.ref('state'), '<>', 'closed')
      .execute();
  };
  if (isPostgres(db)) await run(db);
  else await db.transaction().execute(run);
}
