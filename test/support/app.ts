import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type Config, loadConfig } from '../../src/config.js';
import type { Role } from '../../src/core/types.js';
import { type RunningServer, startServer } from '../../src/server/server.js';
import { createLogger } from '../../src/logger.js';

export interface TestServer extends RunningServer {
  dataDir: string;
  config: Config;
  /** Bearer tokens of one user per role (admin is the first admin). */
  tokens: Record<Role, string>;
  /** fetch against the server with a role's token (or none), JSON in and out. */
  api(method: string, url: string, opts?: { role?: Role | null; token?: string; body?: unknown; headers?: Record<string, string> }): Promise<{ status: number; body: any; headers: Headers }>;
  /** Stops the server but keeps the data dir (to start again on the same data). */
  restart(env?: Record<string, string>): Promise<TestServer>;
  /** Stops and removes the data dir. */
  destroy(): Promise<void>;
}

export const ADMIN = { username: 'admin', password: 'admin-password-1' };

/**
 * A real server on a real port with its own SQLite data dir, for integration tests. The lab's client key is the
 * dashboard's SSH key when a lab is given. Loops are off unless `scheduler: true` (tests drive collection).
 */
export async function startTestServer(opts: { env?: Record<string, string>; dataDir?: string; sshKeyFile?: string; scheduler?: boolean } = {}): Promise<TestServer> {
  return start(opts, !opts.dataDir);
}

/** `ownsDataDir`: the data dir was made here, so destroy() removes it, also after any number of restarts. */
async function start(opts: { env?: Record<string, string>; dataDir?: string; sshKeyFile?: string; scheduler?: boolean }, ownsDataDir: boolean): Promise<TestServer> {
  const dataDir = opts.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'homelab-it-'));
  const env: Record<string, string> = {
    HOMELAB_DATA_DIR: dataDir,
    HOMELAB_PORT: '0',
    HOMELAB_BIND: '127.0.0.1',
    HOMELAB_ADMIN_USERNAME: ADMIN.username,
    HOMELAB_ADMIN_PASSWORD: ADMIN.password,
    HOMELAB_LOG_LEVEL: process.env.HOMELAB_TEST_LOG_LEVEL ?? 'silent',
    HOMELAB_SCHEDULER: opts.scheduler ? 'true' : 'false',
    HOMELAB_LOGIN_RATE_LIMIT: '1000',
    ...(opts.sshKeyFile ? { HOMELAB_SSH_KEY_FILE: opts.sshKeyFile } : {}),
    ...opts.env,
  };
  const config = loadConfig(env, process.cwd());
  const server = await startServer(config, { logger: createLogger(config.logLevel), announce: () => {} });

  const api: TestServer['api'] = async (method, url, o = {}) => {
    const headers: Record<string, string> = { ...(o.headers ?? {}) };
    const token = o.token ?? (o.role ? tokens[o.role] : o.role === null ? undefined : tokens.admin);
    if (token) headers.authorization = `Bearer ${token}`;
    let body: string | undefined;
    if (o.body !== undefined) {
      if (typeof o.body === 'string') body = o.body;
      else {
        body = JSON.stringify(o.body);
        headers['content-type'] ??= 'application/json';
      }
    }
    const res = await fetch(server.url + url, { method, headers, body });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      /* not JSON */
    }
    return { status: res.status, body: parsed, headers: res.headers };
  };

  const login = async (username: string, password: string) => {
    const r = await api('POST', '/api/auth/login', { role: null, body: { username, password } });
    if (r.status !== 200) throw new Error(`login ${username} failed: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body.access_token as string;
  };
  const tokens = {} as Record<Role, string>;
  tokens.admin = await login(ADMIN.username, ADMIN.password);
  for (const role of ['viewer', 'operator'] as const) {
    const existing = await server.container.repos.users.getByUsername(role);
    if (!existing) await server.container.users.create({ username: role, password: `${role}-password-1`, role });
    tokens[role] = await login(role, `${role}-password-1`);
  }

  const ts: TestServer = {
    ...server,
    dataDir,
    config,
    tokens,
    api,
    restart: async (extra = {}) => {
      await server.close();
      return start({ ...opts, dataDir, env: { ...opts.env, ...extra } }, ownsDataDir);
    },
    destroy: async () => {
      await server.close();
      if (ownsDataDir) fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return ts;
}
