import { type Kysely, sql } from 'kysely';
import { isPostgres, notNull, withId } from './helpers.js';

/**
 * Hosts that do not come from SSH. A host records where it comes from (a Portainer server and one of its
 * environments, next issue; both null for a host added by hand or imported from Ansible), its name is unique within
 * that source instead of globally, and the SSH fields (`host`, `port`, `username`) become nullable: a Portainer
 * environment has no SSH address, user or key. A CHECK keeps them required for `ssh` hosts.
 *
 * `portainer_server_id` has no foreign key yet: the portainer_servers table arrives with the Portainer issue, which
 * adds the reference (ON DELETE CASCADE) then.
 *
 * SQLite cannot drop a column's NOT NULL or UNIQUE, so there the table is rebuilt (SQLite's documented 12-step
 * procedure); PostgreSQL alters it in place. Both end with the same columns, constraints and indexes.
 */
export async function up(db: Kysely<any>): Promise<void> {
  if (isPostgres(db)) return upPostgres(db);
  await rebuildSqliteHosts(db, 'sources');
}

export async function down(db: Kysely<any>): Promise<void> {
  // Fails (and changes nothing) while a host has no SSH address or two hosts share a name: the old schema cannot hold them.
  if (isPostgres(db)) return downPostgres(db);
  await rebuildSqliteHosts(db, 'ssh-only');
}

type Shape = 'ssh-only' | 'sources';

const SSH_FIELDS_SET = sql`transport <> 'ssh' or (host is not null and port is not null and username is not null)`;
const ONE_SOURCE = sql`(portainer_server_id is null) = (portainer_endpoint_id is null)`;

/** The hosts table of 001 ('ssh-only') or of this migration ('sources'), under any name (for the SQLite rebuild). */
async function createHosts(db: Kysely<any>, table: string, shape: Shape): Promise<void> {
  const ssh = shape === 'ssh-only';
  let t = withId(db, db.schema.createTable(table))
    .addColumn('name', 'text', (c) => (ssh ? c.notNull().unique() : c.notNull()))
    .addColumn('host', 'text', (c) => (ssh ? c.notNull() : c))
    .addColumn('port', 'integer', (c) => (ssh ? c.notNull().defaultTo(22) : c))
    .addColumn('username', 'text', (c) => (ssh ? c.notNull() : c))
    .addColumn('os_type', 'text')
    .addColumn('transport', 'text', (c) => c.notNull().defaultTo('ssh'))
    .addColumn('groups', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('unknown'))
    .addColumn('status_reason', 'text')
    .addColumn('failures', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_seen_at', 'text')
    .addColumn('ssh_host_key', 'text')
    .addColumn('docker_enabled', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('docker_version', 'text')
    .addColumn('docker_status', 'text', (c) => c.notNull().defaultTo('unknown'))
    .addColumn('docker_status_reason', 'text')
    .addColumn('docker_last_collect_at', 'text')
    .addColumn('created_at', 'text', notNull)
    .addColumn('updated_at', 'text', notNull);
  if (!ssh) {
    t = t
      .addColumn('portainer_server_id', 'integer')
      .addColumn('portainer_endpoint_id', 'integer')
      .addCheckConstraint('hosts_ssh_fields', SSH_FIELDS_SET)
      .addCheckConstraint('hosts_one_source', ONE_SOURCE);
  }
  await t.execute();
}

async function createSourceIndexes(db: Kysely<any>): Promise<void> {
  // Portainer server ids start at 1, so 0 stands for "added by hand or imported" (NULLs would never collide).
  await db.schema
    .createIndex('hosts_source_name')
    .on('hosts')
    .unique()
    .expression(sql`(coalesce(portainer_server_id, 0))`)
    .column('name')
    .execute();
  await db.schema
    .createIndex('hosts_portainer_endpoint')
    .on('hosts')
    .unique()
    .columns(['portainer_server_id', 'portainer_endpoint_id'])
    .where(sql.ref('portainer_server_id'), 'is not', null)
    .execute();
}

async function upPostgres(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('hosts')
    .alterColumn('host', (c) => c.dropNotNull())
    .alterColumn('port', (c) => c.dropNotNull())
    .alterColumn('port', (c) => c.dropDefault())
    .alterColumn('username', (c) => c.dropNotNull())
    .addColumn('portainer_server_id', 'integer')
    .addColumn('portainer_endpoint_id', 'integer')
    .execute();
  // 001 declared `name ... unique` inline, so PostgreSQL chose the constraint's name: look it up rather than guess.
  const found = await sql<{ conname: string }>`
    select c.conname from pg_constraint c
    join pg_attribute a on a.attrelid = c.conrelid and a.attnum = any(c.conkey)
    where c.conrelid = 'hosts'::regclass and c.contype = 'u' and a.attname = 'name' and array_length(c.conkey, 1) = 1
  `.execute(db);
  if (found.rows.length !== 1) throw new Error(`expected one UNIQUE constraint on hosts.name, found ${found.rows.length}`);
  await db.schema.alterTable('hosts').dropConstraint(found.rows[0]!.conname).execute();
  await db.schema.alterTable('hosts').addCheckConstraint('hosts_ssh_fields', SSH_FIELDS_SET).execute();
  await db.schema.alterTable('hosts').addCheckConstraint('hosts_one_source', ONE_SOURCE).execute();
  await createSourceIndexes(db);
}

async function downPostgres(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('hosts_portainer_endpoint').execute();
  await db.schema.dropIndex('hosts_source_name').execute();
  await db.schema
    .alterTable('hosts')
    .dropConstraint('hosts_one_source')
    .execute();
  await db.schema.alterTable('hosts').dropConstraint('hosts_ssh_fields').execute();
  await db.schema
    .alterTable('hosts')
    .dropColumn('portainer_endpoint_id')
    .dropColumn('portainer_server_id')
    .alterColumn('host', (c) => c.setNotNull())
    .alterColumn('port', (c) => c.setNotNull())
    .alterColumn('port', (c) => c.setDefault(22))
    .alterColumn('username', (c) => c.setNotNull())
    .execute();
  await db.schema.alterTable('hosts').addUniqueConstraint('hosts_name_key', ['name']).execute();
}

/** The columns both shapes share, copied across a rebuild. */
const COMMON = [
  'id', 'name', 'host', 'port', 'username', 'os_type', 'transport', 'groups', 'status', 'status_reason', 'failures',
  'last_seen_at', 'ssh_host_key', 'docker_enabled', 'docker_version', 'docker_status', 'docker_status_reason',
  'docker_last_collect_at', 'created_at', 'updated_at',
];

/**
 * Rebuilds `hosts` in the given shape, keeping every row, its id and the id sequence. Many tables reference
 * hosts(id) ON DELETE CASCADE: with foreign keys on, the DROP TABLE below would delete all their rows. Kysely's
 * Migrator does not wrap SQLite migrations in a transaction (SqliteAdapter.supportsTransactionalDdl is false), which
 * is what lets us switch foreign keys off here (the pragma is a no-op inside a transaction); the rebuild itself runs
 * in one transaction of ours, so a failure leaves the old table as it was.
 */
async function rebuildSqliteHosts(db: Kysely<any>, shape: Shape): Promise<void> {
  const fkWasOn = (await sql<{ foreign_keys: number }>`pragma foreign_keys`.execute(db)).rows[0]?.foreign_keys === 1;
  await sql`pragma foreign_keys = off`.execute(db);
  try {
    const fkNow = (await sql<{ foreign_keys: number }>`pragma foreign_keys`.execute(db)).rows[0]?.foreign_keys;
    if (fkNow !== 0) throw new Error('cannot switch SQLite foreign keys off (inside a transaction?): rebuilding hosts would cascade-delete every row that references a host');
    await db.transaction().execute(async (trx) => {
      const seq = (await sql<{ seq: number }>`select seq from sqlite_sequence where name = 'hosts'`.execute(trx)).rows[0]?.seq;
      await createHosts(trx, 'hosts_new', shape);
      const cols = sql.join(COMMON.map((c) => sql.ref(c)));
      await sql`insert into hosts_new (${cols}) select ${cols} from hosts`.execute(trx);
      await trx.schema.dropTable('hosts').execute();
      await trx.schema.alterTable('hosts_new').renameTo('hosts').execute();
      await trx.schema.createIndex('hosts_address').on('hosts').columns(['host', 'port']).execute();
      if (shape === 'sources') await createSourceIndexes(trx);
      // Without this, ids of hosts deleted before the rebuild would be handed out again, and old task and alert
      // history that names them would seem to belong to the new host.
      if (seq !== undefined) {
        await sql`update sqlite_sequence set seq = max(seq, ${seq}) where name = 'hosts'`.execute(trx);
        await sql`insert into sqlite_sequence (name, seq) select 'hosts', ${seq} where not exists (select 1 from sqlite_sequence where name = 'hosts')`.execute(trx);
      }
      const broken = (await sql<Record<string, unknown>>`pragma foreign_key_check`.execute(trx)).rows;
      if (broken.length > 0) throw new Error(`rebuilding hosts broke foreign keys: ${JSON.stringify(broken.slice(0, 5))}`);
    });
  } finally {
    if (fkWasOn) await sql`pragma foreign_keys = on`.execute(db);
  }
}
