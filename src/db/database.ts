import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect, SqliteDialect, sql } from 'kysely';
import pg from 'pg';
import { migrationProvider } from './migrations/index.js';
import type { Database } from './schema.js';

export type Dialect = 'sqlite' | 'postgres';

export interface Db {
  kysely: Kysely<Database>;
  dialect: Dialect;
  /** Where the data lives, for /api/health and logs (never the password). */
  describe: string;
  close(): Promise<void>;
}

export interface DbOptions {
  databaseUrl: string | null;
  dataDir: string;
  /** PostgreSQL: an idle pooled connection was lost (server restarted, network cut). Defaults to ignoring it. */
  onIdleError?: (err: Error) => void;
}

// PostgreSQL returns BIGINT (int8) as strings to avoid precision loss; our byte counts fit in a double.
pg.types.setTypeParser(20, (v) => Number(v));

export function openDatabase(opts: DbOptions): Db {
  if (opts.databaseUrl) {
    const pool = new pg.Pool({ connectionString: opts.databaseUrl, max: 10 });
    // Without a listener, an idle client losing its connection (PostgreSQL restarted) is an uncaught 'error' event
    // that kills the whole server. The pool drops that client by itself and the next query dials again; queries
    // that fail meanwhile report their own errors (and /api/health says the database is unreachable).
    pool.on('error', (err) => opts.onIdleError?.(err));
    const kysely = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    const u = new URL(opts.databaseUrl);
    return {
      kysely,
      dialect: 'postgres',
      describe: `postgres://${u.hostname}:${u.port || 5432}${u.pathname}`,
      close: () => kysely.destroy(),
    };
  }
  fs.mkdirSync(opts.dataDir, { recursive: true });
  const file = path.join(opts.dataDir, 'homelab.db');
  const sqlite = new SQLite(file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('busy_timeout = 5000');
  const kysely = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
  return { kysely, dialect: 'sqlite', describe: `sqlite:${file}`, close: () => kysely.destroy() };
}

export class MigrationError extends Error {
  constructor(
    readonly migration: string | undefined,
    options: { cause: unknown },
  ) {
    super(`database migration ${migration ?? '(unknown)'} failed: ${String((options.cause as Error)?.message ?? options.cause)}`, options);
    this.name = 'MigrationError';
  }
}

/** Applies every pending migration; returns the names applied now. Throws MigrationError on the first failure. */
export async function migrateToLatest(kysely: Kysely<any>): Promise<string[]> {
  const migrator = new Migrator({ db: kysely, provider: migrationProvider });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error) throw new MigrationError(failed?.migrationName, { cause: error });
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

export async function pingDatabase(kysely: Kysely<any>): Promise<boolean> {
  try {
    await sql`select 1`.execute(kysely);
    return true;
  } catch {
    return false;
  }
}
