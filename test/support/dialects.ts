// Both databases a repository test runs on: a fresh SQLite file and a fresh database on a real PostgreSQL started for
// the file (its beforeAll/afterAll are registered here). Each call of an opener gives a database of its own.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { type Db, openDatabase } from '../../src/db/database.js';
import { startPostgres, type TestPostgres } from './postgres.js';

export function bothDialects(prefix: string): [name: string, open: () => Promise<Db>][] {
  let pg: TestPostgres | undefined;
  const dirs: string[] = [];
  beforeAll(async () => {
    pg = await startPostgres();
  }, 120_000);
  afterAll(async () => {
    await pg?.stop();
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  });
  return [
    ['SQLite', async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), `homelab-${prefix}-`));
      dirs.push(dir);
      return openDatabase({ databaseUrl: null, dataDir: dir });
    }],
    ['PostgreSQL', async () => openDatabase({ databaseUrl: await pg!.createDatabase(`${prefix}_${Date.now()}`), dataDir: '/nonexistent' })],
  ];
}
