// A throwaway PostgreSQL server for the dialect tests (LAB.md "PostgreSQL"): initdb in a temp dir, trust auth,
// a free port on 127.0.0.1, stopped and removed by stop(). Runs as the `postgres` user when we are root
// (PostgreSQL refuses to run as root).
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, chownSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import PG from 'pg';

export class PostgresStartError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PostgresStartError';
  }
}

export interface TestPostgres {
  /** postgres://postgres@127.0.0.1:PORT/postgres */
  url: string;
  port: number;
  /** A fresh database on this server (suites do not see each other's rows); answers its URL. */
  createDatabase(name: string): Promise<string>;
  stop(): Promise<void>;
}

function binDir(): string {
  const base = '/usr/lib/postgresql';
  const versions = existsSync(base) ? readdirSync(base).filter((v) => existsSync(join(base, v, 'bin', 'initdb'))) : [];
  versions.sort((a, b) => Number(b) - Number(a));
  if (!versions[0]) throw new PostgresStartError('PostgreSQL server binaries not found under /usr/lib/postgresql: install the postgresql package');
  return join(base, versions[0], 'bin');
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

function exec(cmd: string, args: string[], timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { timeout: timeoutMs, killSignal: 'SIGKILL', encoding: 'utf8' }, (err, stdout, stderr) => {
      if (err) reject(new PostgresStartError(`${args.find((a) => a.includes('/bin/')) ?? cmd} failed: ${stderr.trim() || err.message}`, { cause: err }));
      else resolve(stdout);
    });
  });
}

export async function startPostgres(): Promise<TestPostgres> {
  const bin = binDir();
  const asRoot = process.getuid?.() === 0;
  // As root, run the server's tools as `postgres`, which must own the data dir.
  const pg = (tool: string, args: string[], timeoutMs = 60_000) =>
    asRoot ? exec('runuser', ['-u', 'postgres', '--', join(bin, tool), ...args], timeoutMs) : exec(join(bin, tool), args, timeoutMs);
  const dir = mkdtempSync(join(tmpdir(), 'hlpg-'));
  const data = join(dir, 'data');
  if (asRoot) {
    const [uid, gid] = await exec('id', ['-u', 'postgres'], 5_000).then(async (u) => [Number(u), Number(await exec('id', ['-g', 'postgres'], 5_000))]);
    chownSync(dir, uid, gid);
  }
  const port = await freePort();
  let started = false;
  const stop = async () => {
    if (started) {
      started = false;
      await pg('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop'], 30_000).catch(() => undefined);
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await pg('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--no-locale', '--no-sync']);
    // -w waits until the server accepts connections; fsync off: a test database need not survive a crash.
    const opts = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off`;
    started = true;
    await pg('pg_ctl', ['-D', data, '-o', opts, '-l', join(dir, 'log'), '-w', '-t', '30', 'start']);
  } catch (err) {
    const log = existsSync(join(dir, 'log')) ? readFileSync(join(dir, 'log'), 'utf8').slice(-2000) : '';
    await stop();
    throw new PostgresStartError(`throwaway PostgreSQL did not start${log ? `:\n${log}` : ''}`, { cause: err });
  }
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  const createDatabase = async (name: string) => {
    if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`not a plain database name: ${name}`);
    const client = new PG.Client({ connectionString: url });
    await client.connect();
    try {
      await client.query(`CREATE DATABASE ${name}`);
    } finally {
      await client.end();
    }
    return url.replace(/\/postgres$/, `/${name}`);
  };
  return { url, port, createDatabase, stop };
}
