// The role matrix, generated from the server's own route table (app.routeTable, filled by the auth plugin from each
// route's declared access): a route added later is covered without touching this file. For every route:
// anonymous -> 401 (unless public), every role below the declared one -> 403, the declared role and above -> neither.
// Placeholder ids and empty bodies are enough: authentication and the role check must come before validation,
// lookups and side effects, so a 403 here can never be a 422 or a 404 in disguise.
import WebSocket from 'ws';
import { afterAll, describe, expect, it } from 'vitest';
import type { Role } from '../../src/core/types.js';
import { ROLES } from '../../src/core/types.js';
import { ADMIN, startTestServer } from '../support/app.js';

const ts = await startTestServer();
afterAll(() => ts.destroy());

const table = [...ts.app.routeTable];
const httpRoutes = table.filter((r) => r.url !== '/ws');

/** A host of its own per request: an admin DELETE on one route must not take the placeholder away from the next.
 * Port 9 on loopback refuses at once, so routes that reach out over SSH fail fast instead of waiting. */
let seq = 0;
async function placeholderHost(): Promise<number> {
  const h = await ts.container.hosts.create({ name: `matrix-${++seq}`, host: '127.0.0.1', port: 9 });
  return h.id;
}

async function concreteUrl(url: string): Promise<string> {
  let out = url;
  for (const m of url.matchAll(/:([A-Za-z_]+)/g)) {
    const name = m[1]!;
    // Numeric ids: an existing host (ids of other things may then be 404, which is fine: not 401/403).
    const value = /id$/i.test(name) ? String(await placeholderHost()) : 'placeholder';
    out = out.replace(`:${name}`, value);
  }
  return out.replace(/\*/g, 'placeholder');
}

async function call(method: string, url: string, role: Role | null): Promise<{ status: number; body: unknown }> {
  const withBody = !['GET', 'DELETE', 'HEAD', 'OPTIONS'].includes(method);
  // A logout ends the session it is called with: a session of its own, not the one every other row uses.
  if (method === 'POST' && url === '/api/auth/logout' && role) return ts.api(method, url, { token: await freshSession(role) });
  return ts.api(method, await concreteUrl(url), { role, ...(withBody ? { body: {} } : {}) });
}

async function freshSession(role: Role): Promise<string> {
  const r = await ts.api('POST', '/api/auth/login', { role: null, body: { username: role === 'admin' ? ADMIN.username : role, password: role === 'admin' ? ADMIN.password : `${role}-password-1` } });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body.access_token as string;
}

const below = (access: Role) => ROLES.slice(0, ROLES.indexOf(access));
const atOrAbove = (access: Role) => ROLES.slice(ROLES.indexOf(access));

describe('the route table', () => {
  it('lists every route the foundation must have, with the access the API promises', () => {
    const access = Object.fromEntries(table.map((r) => [`${r.method} ${r.url}`, r.access]));
    expect(access).toMatchObject({
      'GET /api/health': 'public',
      'GET /api/health/details': 'viewer',
      'POST /api/auth/login': 'public',
      'GET /api/auth/me': 'viewer',
      'POST /api/auth/logout': 'viewer',
      'GET /api/users': 'admin',
      'POST /api/users': 'admin',
      'PATCH /api/users/:id': 'admin',
      'DELETE /api/users/:id': 'admin',
      'GET /api/tokens': 'viewer',
      'POST /api/tokens': 'viewer',
      'DELETE /api/tokens/:id': 'viewer',
      'GET /api/hosts': 'viewer',
      'POST /api/hosts': 'admin',
      'GET /api/hosts/:id': 'viewer',
      'PATCH /api/hosts/:id': 'admin',
      'DELETE /api/hosts/:id': 'admin',
      'POST /api/hosts/:id/check': 'operator',
      'POST /api/hosts/:id/forget-host-key': 'admin',
      'GET /api/hosts/:id/metrics': 'viewer',
      'POST /api/hosts/import': 'admin',
      'GET /api/settings/ssh': 'admin',
      'GET /api/tasks': 'viewer',
      'GET /api/tasks/:id': 'viewer',
      'GET /api/proxmox/clusters': 'viewer',
      'GET /api/proxmox/clusters/:id': 'viewer',
      'POST /api/proxmox/clusters': 'admin',
      'PATCH /api/proxmox/clusters/:id': 'admin',
      'DELETE /api/proxmox/clusters/:id': 'admin',
      'POST /api/proxmox/clusters/:id/test': 'admin',
      'POST /api/proxmox/clusters/:id/sync': 'operator',
      'GET /api/proxmox/clusters/:id/nodes': 'viewer',
      'GET /api/proxmox/clusters/:id/nodes/:node/rrd': 'viewer',
      'GET /api/proxmox/clusters/:id/guests': 'viewer',
      'GET /api/proxmox/clusters/:id/guests/:vmid': 'viewer',
      'GET /api/proxmox/clusters/:id/guests/:vmid/rrd': 'viewer',
      'GET /api/proxmox/clusters/:id/storage': 'viewer',
      'POST /api/proxmox/clusters/:id/guests/:vmid/:action': 'operator',
      'POST /api/proxmox/clusters/:id/guests/:vmid/snapshots': 'operator',
      'DELETE /api/proxmox/clusters/:id/guests/:vmid/snapshots/:name': 'admin',
      'POST /api/proxmox/clusters/:id/guests/:vmid/snapshots/:name/rollback': 'admin',
      'POST /api/proxmox/clusters/:id/guests/:vmid/backup': 'operator',
      'POST /api/proxmox/clusters/:id/nodes/:node/startall': 'operator',
      'POST /api/proxmox/clusters/:id/nodes/:node/stopall': 'operator',
      'POST /api/proxmox/clusters/:id/nodes/:node/reboot': 'admin',
      'POST /api/proxmox/clusters/:id/nodes/:node/shutdown': 'admin',
      'GET /ws': 'viewer',
    });
    // Only the health check and the login are open to anyone.
    expect(table.filter((r) => r.access === 'public').map((r) => `${r.method} ${r.url}`).sort()).toEqual(['GET /api/health', 'POST /api/auth/login']);
  });

  it('documents every API route in the OpenAPI document served at /docs', async () => {
    const doc = await ts.api('GET', '/docs/json', { role: null });
    expect(doc.status).toBe(200);
    const documented = new Set(
      Object.entries(doc.body.paths as Record<string, Record<string, unknown>>).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${p}`)),
    );
    const missing = httpRoutes.map((r) => `${r.method} ${r.url.replace(/:([A-Za-z_]+)/g, '{$1}')}`).filter((k) => !documented.has(k));
    expect(missing).toEqual([]);
  });

  it('has no route twice', () => {
    const keys = table.map((r) => `${r.method} ${r.url}`);
    expect(keys.length).toBe(new Set(keys).size);
  });
});

for (const { method, url, access } of httpRoutes) describe(`${method} ${url} (${access})`, () => {
  if (access === 'public') {
    it('answers anonymous callers (neither 401 nor 403)', async () => {
      const r = await call(method, url, null);
      expect([401, 403]).not.toContain(r.status);
    });
    return;
  }

  it('refuses anonymous callers with 401 {error, message}', async () => {
    const r = await call(method, url, null);
    expect(r.status).toBe(401);
    expect(r.body).toEqual({ error: 'unauthorized', message: expect.any(String) });
  });

  it('refuses a garbage token with 401', async () => {
    const r = await ts.api(method, await concreteUrl(url), { token: 'not-a-token', ...(method === 'GET' || method === 'DELETE' ? {} : { body: {} }) });
    expect(r.status).toBe(401);
  });

  for (const role of below(access)) {
    it(`refuses ${role} with 403 {error, message}`, async () => {
      const r = await call(method, url, role);
      expect(r.status).toBe(403);
      expect(r.body).toEqual({ error: 'forbidden', message: expect.any(String) });
    });
  }

  for (const role of atOrAbove(access)) {
    it(`lets ${role} through (neither 401 nor 403)`, async () => {
      const r = await call(method, url, role);
      expect([401, 403], JSON.stringify(r.body)).not.toContain(r.status);
      // 502 is a fair answer (the placeholder host refuses SSH); a 500 would be a crash on an empty body.
      expect(r.status).not.toBe(500);
    });
  }
});

describe('GET /ws', () => {
  const wsUrl = (query = '') => `${ts.url.replace(/^http/, 'ws')}/ws${query}`;

  /** Resolves with the HTTP status of a refused upgrade, or 101 and the first message of an accepted one. */
  function connect(query: string): Promise<{ status: number; first?: any; close?: number }> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(wsUrl(query));
      const timer = setTimeout(() => {
        ws.terminate();
        reject(new Error('no answer from /ws within 8 s'));
      }, 8000);
      ws.once('unexpected-response', (_req, res) => {
        clearTimeout(timer);
        resolve({ status: res.statusCode ?? 0 });
        ws.terminate();
      });
      ws.once('message', (data) => {
        clearTimeout(timer);
        resolve({ status: 101, first: JSON.parse(String(data)) });
        ws.close();
      });
      ws.once('close', (code) => {
        clearTimeout(timer);
        resolve({ status: 101, close: code });
      });
      ws.once('error', () => undefined);
    });
  }

  it('refuses a bad token at the upgrade with 401', async () => {
    expect((await connect('?token=garbage')).status).toBe(401);
  });

  it('closes an anonymous connection that never authenticates (4401)', async () => {
    const r = await connect('');
    expect(r).toMatchObject({ status: 101, close: 4401 });
  });

  it.each(ROLES)('accepts %s and greets with its identity', async (role) => {
    const r = await connect(`?token=${encodeURIComponent(ts.tokens[role])}`);
    expect(r.status).toBe(101);
    expect(r.first).toMatchObject({ type: 'hello', user: { role } });
  });
});
