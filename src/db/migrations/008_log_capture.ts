import { type Kysely, sql } from 'kysely';
import { isPostgres, notNull, withId } from './helpers.js';

/**
 * Log capture: per (host, container NAME) the operator's choice and where capture stands, and the captured lines
 * with a full-text index. Keyed by name, not id, so a setting survives the container being recreated (a compose
 * redeploy gives it a new id).
 *
 * The full-text index is the only dialect branch: SQLite has FTS5 (an external-content table kept in step by
 * triggers, so the text is stored once), PostgreSQL a GIN index over to_tsvector('simple', text).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('docker_log_capture')
    .addColumn('host_id', 'integer', (c) => c.notNull().references('hosts.id').onDelete('cascade'))
    .addColumn('container_name', 'text', notNull)
    // off | stdout | stderr | both; null: none stored, the label (or off) decides.
    .addColumn('setting', 'text')
    // When capture was (last) turned on: nothing older is ever stored (no backfill). Null while it is off.
    .addColumn('started_at', 'text')
    // The newest stored line's timestamp and how many lines with exactly that timestamp were stored: the next
    // fetch starts at last_ts (Docker's --since is inclusive) and skips those.
    .addColumn('last_ts', 'text')
    .addColumn('last_ts_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('updated_at', 'text', notNull)
    .addPrimaryKeyConstraint('docker_log_capture_pk', ['host_id', 'container_name'])
    .execute();

  await withId(db, db.schema.createTable('docker_log_lines'))
    .addColumn('host_id', 'integer', (c) => c.notNull().references('hosts.id').onDelete('cascade'))
    .addColumn('container_name', 'text', notNull)
    .addColumn('container_id', 'text', notNull)
    // RFC 3339 with nanoseconds padded to 9 digits, so the text sorts as time.
    .addColumn('ts', 'text', notNull)
    .addColumn('stream', 'text', notNull)
    .addColumn('text', 'text', notNull)
    .execute();
  await db.schema.createIndex('docker_log_lines_container_ts').on('docker_log_lines').columns(['host_id', 'container_name', 'ts']).execute();
  await db.schema.createIndex('docker_log_lines_ts').on('docker_log_lines').column('ts').execute();

  if (isPostgres(db)) {
    await sql`create index docker_log_lines_fts on docker_log_lines using gin (to_tsvector('simple', text))`.execute(db);
    return;
  }
  await sql`create virtual table docker_log_lines_fts using fts5(text, content='docker_log_lines', content_rowid='id')`.execute(db);
  await sql`create trigger docker_log_lines_ai after insert on docker_log_lines begin
    insert into docker_log_lines_fts(rowid, text) values (new.id, new.text);
  end`.execute(db);
  await sql`create trigger docker_log_lines_ad after delete on docker_log_lines begin
    insert into docker_log_lines_fts(docker_log_lines_fts, rowid, text) values ('delete', old.id, old.text);
  end`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  if (!isPostgres(db)) {
    await sql`drop trigger if exists docker_log_lines_ad`.execute(db);
    await sql`drop trigger if exists docker_log_lines_ai`.execute(db);
    await sql`drop table if exists docker_log_lines_fts`.execute(db);
  }
  await db.schema.dropTable('docker_log_lines').execute();
  await db.schema.dropTable('docker_log_capture').execute();
}
