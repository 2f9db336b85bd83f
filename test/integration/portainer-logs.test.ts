// Credentials of a Portainer server never reach the logs: a real server logging at trace level into a buffer, a
// server added with a password and one with an API key, tested, synced, failing, looping; then every line is read.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { startServer, type RunningServer } from '../../src/server/server.js';
import { sharedLab } from '../lab/index.js';
import { startPortainerSim, type PortainerSim } from '../support/portainer/sim.js';

const lab = sharedLab();
const PASSWORD = 'pw-that-must-never-be-logged-7f3a';
const lines: string[] = [];
let server: RunningServer;
let sim: PortainerSim;
let dir: string;
let token: string;

beforeAll(async () => {
  sim = await startPortainerSim({
    users: [{ username: 'admin', password: PASSWORD, role: 'admin' }],
    apiKeys: [{ username: 'admin' }],
    endpoints: [{ name: 'log-env', type: 1, socketPath: lab.hosts[0]!.dockerHost.replace(/^unix:\/\//, '') }],
  });
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'homelab-plogs-'));
  const config = loadConfig({
    HOMELAB_DATA_DIR: dir, HOMELAB_PORT: '0', HOMELAB_BIND: '127.0.0.1', HOMELAB_ADMIN_USERNAME: 'admin',
    HOMELAB_ADMIN_PASSWORD: 'admin-password-1', HOMELAB_LOG_LEVEL: 'trace', HOMELAB_SCHEDULER: 'true', HOMELAB_LOGIN_RATE_LIMIT: '1000',
  }, process.cwd());
  const sink = new Writable({ write(chunk, _enc, cb) { lines.push(String(chunk)); cb(); } });
  server = await startServer(config, { logger: createLogger('trace', sink), announce: () => {} });
  const login = await fetch(`${server.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: 'admin-password-1' }) });
  token = (await login.json()).access_token;
}, 60_000);
afterAll(async () => {
  await server?.close();
  await sim?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

const api = async (method: string, url: string, body?: unknown) => {
  const r = await fetch(server.url + url, { method, headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) }, body: body ? JSON.stringify(body) : undefined });
  return { status: r.status, body: await r.json().catch(() => null) };
};

it('never logs a password or an API key, in success or failure', async () => {
  const key = sim.apiKeys.get('admin')!;
  const pw = await api('POST', '/api/portainer/servers', { name: 'with-pw', url: sim.url, username: 'admin', password: PASSWORD, sync_interval_s: 10 });
  const ak = await api('POST', '/api/portainer/servers', { name: 'with-key', url: sim.url, api_key: key, sync_interval_s: 10 });
  const wrong = await api('POST', '/api/portainer/servers', { name: 'wrong', url: sim.url, username: 'admin', password: `${PASSWORD}-wrong`, sync_interval_s: 10 });
  expect([pw.status, ak.status, wrong.status]).toEqual([201, 201, 201]);
  expect((await api('POST', `/api/portainer/servers/${pw.body.id}/test`)).status).toBe(200);
  expect((await api('POST', `/api/portainer/servers/${ak.body.id}/sync`)).status).toBe(200);
  expect((await api('POST', `/api/portainer/servers/${wrong.body.id}/sync`)).status).toBe(502);
  // bad input echoes nothing secret either
  expect((await api('POST', '/api/portainer/servers', { name: 'bad', url: 'https://x.lan:9443/p', api_key: key })).status).toBe(422);
  // let the loops run once (each server syncs within a second of being added)
  await new Promise((r) => setTimeout(r, 2500));
  const all = lines.join('');
  expect(all.length).toBeGreaterThan(0);
  expect(all).toContain('portainer-sync'); // the loops ran and logged
  expect(all).toContain('Invalid credentials'); // and so did the failure
  expect(all).not.toContain(PASSWORD);
  expect(all).not.toContain(key);
  expect(all).not.toContain(key.slice(4, 20));
});
