// API tokens (shown once, stored hashed, never above the owner's role, revocable) and user management by admins
// (CRUD, the last admin is protected, password change), against a real server and real SQLite.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashToken } from '../../src/services/auth.service.js';
import { ADMIN, startTestServer, type TestServer } from '../support/app.js';

describe('API tokens', () => {
  let ts: TestServer;
  beforeAll(async () => {
    ts = await startTestServer();
  });
  afterAll(() => ts?.destroy());

  it('shows the secret once; the list never shows it; the database keeps only its hash', async () => {
    const created = await ts.api('POST', '/api/tokens', { role: 'operator', body: { name: 'ci' } });
    expect(created.status).toBe(201);
    const secret = created.body.secret as string;
    expect(secret).toMatch(/^hl_.{40,}$/);
    expect(created.body.token).toMatchObject({ id: expect.any(Number), name: 'ci', role: 'operator', prefix: secret.slice(0, 10) });

    const list = await ts.api('GET', '/api/tokens', { role: 'operator' });
    expect(list.status).toBe(200);
    expect(list.body.tokens.map((t: { name: string }) => t.name)).toEqual(['ci']);
    expect(JSON.stringify(list.body)).not.toContain(secret);
    expect(list.body.tokens[0].secret).toBeUndefined();

    const row = await ts.container.repos.tokens.get(created.body.token.id);
    expect(row!.token_hash).toBe(hashToken(secret));
    expect(JSON.stringify(row)).not.toContain(secret);
  });

  it('works as a Bearer token with its own role, which can be lower than the owner\'s', async () => {
    const r = await ts.api('POST', '/api/tokens', { role: 'admin', body: { name: 'read-only', role: 'viewer' } });
    expect(r.status).toBe(201);
    const token = r.body.secret as string;
    const me = await ts.api('GET', '/api/auth/me', { token });
    expect(me.body).toMatchObject({ username: 'admin', role: 'viewer' });
    expect((await ts.api('GET', '/api/hosts', { token })).status).toBe(200);
    expect((await ts.api('GET', '/api/users', { token })).status).toBe(403);
    expect((await ts.api('POST', '/api/hosts', { token, body: { name: 'x', host: '127.0.0.1' } })).status).toBe(403);
    // A token cannot mint other tokens (that would let a leaked token outlive its revocation).
    expect((await ts.api('POST', '/api/tokens', { token, body: { name: 'child' } })).status).toBe(403);
    expect(r.body.token.last_used_at).toBeNull();
    const listed = (await ts.api('GET', '/api/tokens')).body.tokens.find((t: { id: number }) => t.id === r.body.token.id);
    expect(listed.last_used_at).not.toBeNull();
  });

  it('is never above its owner: asking for more is refused, and a demoted owner drags the token down', async () => {
    expect((await ts.api('POST', '/api/tokens', { role: 'viewer', body: { name: 'escalate', role: 'admin' } })).status).toBe(403);
    expect((await ts.api('POST', '/api/tokens', { role: 'operator', body: { name: 'escalate', role: 'admin' } })).status).toBe(403);

    await ts.api('POST', '/api/users', { body: { username: 'dora', password: 'dora-password-1', role: 'admin' } });
    const login = await ts.api('POST', '/api/auth/login', { role: null, body: { username: 'dora', password: 'dora-password-1' } });
    const t = await ts.api('POST', '/api/tokens', { token: login.body.access_token, body: { name: 'dora-admin' } });
    expect(t.body.token.role).toBe('admin');
    const token = t.body.secret as string;
    expect((await ts.api('GET', '/api/users', { token })).status).toBe(200);
    const dora = (await ts.container.repos.users.getByUsername('dora'))!;
    await ts.api('PATCH', `/api/users/${dora.id}`, { body: { role: 'operator' } });
    expect((await ts.api('GET', '/api/auth/me', { token })).body.role).toBe('operator');
    expect((await ts.api('GET', '/api/users', { token })).status).toBe(403);
  });

  it('stops working once deleted (401), and only its owner or an admin can delete it', async () => {
    const r = await ts.api('POST', '/api/tokens', { role: 'operator', body: { name: 'to-revoke' } });
    const token = r.body.secret as string;
    expect((await ts.api('GET', '/api/hosts', { token })).status).toBe(200);
    // Another non-admin user cannot see or delete it.
    expect((await ts.api('DELETE', `/api/tokens/${r.body.token.id}`, { role: 'viewer' })).status).toBe(404);
    expect((await ts.api('GET', '/api/hosts', { token })).status).toBe(200);
    expect((await ts.api('DELETE', `/api/tokens/${r.body.token.id}`, { role: 'operator' })).status).toBe(204);
    const after = await ts.api('GET', '/api/hosts', { token });
    expect(after.status).toBe(401);
    expect(after.body).toEqual({ error: 'unauthorized', message: expect.any(String) });
    expect((await ts.api('GET', '/api/tokens', { role: 'operator' })).body.tokens.map((t: { name: string }) => t.name)).not.toContain('to-revoke');
  });

  it('refuses an expired API token', async () => {
    const r = await ts.api('POST', '/api/tokens', { role: 'viewer', body: { name: 'short', expires_in_days: 1 } });
    const token = r.body.secret as string;
    expect((await ts.api('GET', '/api/hosts', { token })).status).toBe(200);
    await ts.container.db.kysely.updateTable('api_tokens').set({ expires_at: new Date(Date.now() - 1000).toISOString() }).where('id', '=', r.body.token.id).execute();
    const after = await ts.api('GET', '/api/hosts', { token });
    expect(after.status).toBe(401);
    expect(after.body.message).toMatch(/expired/);
  });
});

describe('users (admin)', () => {
  let ts: TestServer;
  beforeAll(async () => {
    ts = await startTestServer();
  });
  afterAll(() => ts?.destroy());

  const login = (username: string, password: string) => ts.api('POST', '/api/auth/login', { role: null, body: { username, password } });

  it('creates, lists, changes the role of and deletes a user; the user can log in with the role given', async () => {
    const created = await ts.api('POST', '/api/users', { body: { username: 'bob', password: 'bob-password-1', role: 'operator' } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ id: expect.any(Number), username: 'bob', role: 'operator', last_login_at: null });
    expect(JSON.stringify(created.body)).not.toMatch(/password|hash/);

    const list = await ts.api('GET', '/api/users');
    expect(list.body.users.map((u: { username: string }) => u.username).sort()).toEqual(['admin', 'bob', 'operator', 'viewer']);
    expect(JSON.stringify(list.body)).not.toMatch(/argon2|password_hash/);

    const l = await login('bob', 'bob-password-1');
    expect(l.status).toBe(200);
    expect((await ts.api('GET', '/api/auth/me', { token: l.body.access_token })).body.role).toBe('operator');

    const patched = await ts.api('PATCH', `/api/users/${created.body.id}`, { body: { role: 'viewer' } });
    expect(patched.status).toBe(200);
    expect(patched.body.role).toBe('viewer');
    expect((await ts.api('DELETE', `/api/users/${created.body.id}`)).status).toBe(204);
    expect((await login('bob', 'bob-password-1')).status).toBe(401);
    expect((await ts.api('DELETE', `/api/users/${created.body.id}`)).status).toBe(404);
  });

  it('refuses bad input: duplicate name 409, bad role, bad name or short password 422', async () => {
    const dup = await ts.api('POST', '/api/users', { body: { username: 'viewer', password: 'another-password', role: 'viewer' } });
    expect(dup.status).toBe(409);
    expect(dup.body).toEqual({ error: expect.any(String), message: expect.stringContaining('viewer') });
    for (const body of [
      { username: 'eve', password: 'eve-password-1', role: 'root' },
      { username: 'bad name', password: 'eve-password-1', role: 'viewer' },
      { username: 'eve', password: 'short', role: 'viewer' },
      { username: 'eve', role: 'viewer' },
    ]) {
      const r = await ts.api('POST', '/api/users', { body });
      expect(r.status, JSON.stringify(body)).toBe(422);
      expect(r.body).toEqual({ error: expect.any(String), message: expect.any(String) });
    }
    expect((await ts.api('GET', '/api/users')).body.users.map((u: { username: string }) => u.username)).not.toContain('eve');
  });

  it('never leaves the server without an admin: the last admin cannot be demoted or deleted', async () => {
    const admin = (await ts.container.repos.users.getByUsername('admin'))!;
    const demote = await ts.api('PATCH', `/api/users/${admin.id}`, { body: { role: 'operator' } });
    expect(demote.status).toBe(409);
    expect(demote.body).toEqual({ error: 'last_admin', message: expect.stringMatching(/last admin/) });
    expect((await ts.api('GET', '/api/auth/me')).body.role).toBe('admin');

    // With a second admin the first can be demoted; then the second is the last one and is protected in turn.
    const second = await ts.api('POST', '/api/users', { body: { username: 'admin2', password: 'admin2-password', role: 'admin' } });
    const token2 = (await login('admin2', 'admin2-password')).body.access_token as string;
    expect((await ts.api('PATCH', `/api/users/${admin.id}`, { token: token2, body: { role: 'operator' } })).status).toBe(200);
    // admin2 is now the last admin: it cannot delete itself, and demoting it is refused.
    expect((await ts.api('DELETE', `/api/users/${second.body.id}`, { token: token2 })).status).toBe(409);
    const demote2 = await ts.api('PATCH', `/api/users/${second.body.id}`, { token: token2, body: { role: 'viewer' } });
    expect(demote2.status).toBe(409);
    expect(await ts.container.repos.users.countAdmins()).toBe(1);
    // Put things back for the other tests. The role changes ended admin's sessions: its token is refused, a new one works.
    expect((await ts.api('PATCH', `/api/users/${admin.id}`, { token: token2, body: { role: 'admin' } })).status).toBe(200);
    expect((await ts.api('GET', '/api/auth/me')).status).toBe(401);
    ts.tokens.admin = (await login('admin', ADMIN.password)).body.access_token as string;
    expect((await ts.api('GET', '/api/auth/me')).body.role).toBe('admin');
  });

  it('lets an admin delete another admin while one remains, and refuses to delete the remaining one', async () => {
    // Two admins: admin deletes admin2 (fine, one admin remains). With one admin left no one can delete it.
    const admin2 = (await ts.container.repos.users.getByUsername('admin2'))!;
    expect((await ts.api('DELETE', `/api/users/${admin2.id}`)).status).toBe(204);
    const admin = (await ts.container.repos.users.getByUsername('admin'))!;
    const self = await ts.api('DELETE', `/api/users/${admin.id}`);
    expect(self.status).toBe(409);
    expect(await ts.container.repos.users.countAdmins()).toBe(1);
  });

  it('changes a password: the old one stops working, the new one works', async () => {
    const u = await ts.api('POST', '/api/users', { body: { username: 'frank', password: 'frank-password-1', role: 'viewer' } });
    const r = await ts.api('PATCH', `/api/users/${u.body.id}`, { body: { password: 'frank-password-2' } });
    expect(r.status).toBe(200);
    expect((await login('frank', 'frank-password-1')).status).toBe(401);
    expect((await login('frank', 'frank-password-2')).status).toBe(200);
    const short = await ts.api('PATCH', `/api/users/${u.body.id}`, { body: { password: 'short' } });
    expect(short.status).toBe(422);
    expect((await login('frank', 'frank-password-2')).status).toBe(200);
  });

  it('is for admins only: operators and viewers get 403 on every user route', async () => {
    for (const role of ['viewer', 'operator'] as const) {
      expect((await ts.api('GET', '/api/users', { role })).status).toBe(403);
      expect((await ts.api('POST', '/api/users', { role, body: { username: 'x1', password: 'x1-password', role: 'admin' } })).status).toBe(403);
      expect((await ts.api('PATCH', '/api/users/1', { role, body: { role: 'viewer' } })).status).toBe(403);
      expect((await ts.api('DELETE', '/api/users/1', { role })).status).toBe(403);
    }
    expect((await ts.api('GET', '/api/users')).body.users.map((u: { username: string }) => u.username)).not.toContain('x1');
  });
});
