// Sessions that end before their JWT expires: a password change or reset, a role change and a logout end them at
// once — the old JWT is refused on the next request and a WebSocket opened with it is closed within the moment —
// while the user's other sessions and API tokens go on as they should. Real HTTP, real WebSockets, real SQLite.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/app.js';
import { WsTestClient } from '../support/ws-client.js';

let ts: TestServer;
beforeAll(async () => {
  ts = await startTestServer();
});
afterAll(() => ts?.destroy());

let n = 0;
async function userWithSession(role: 'viewer' | 'operator' = 'viewer'): Promise<{ id: number; username: string; password: string; token: string }> {
  const username = `sess-${++n}`;
  const password = `pw-${n}-long-enough`;
  const made = await ts.api('POST', '/api/users', { body: { username, password, role } });
  expect(made.status, JSON.stringify(made.body)).toBe(201);
  return { id: made.body.id, username, password, token: await login(username, password) };
}
async function login(username: string, password: string): Promise<string> {
  const r = await ts.api('POST', '/api/auth/login', { role: null, body: { username, password } });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body.access_token;
}
const me = (token: string) => ts.api('GET', '/api/auth/me', { token });

/** A WebSocket authenticated with `token` in its first message, once the server said hello. */
async function socket(token: string): Promise<WsTestClient> {
  const ws = WsTestClient.connect(ts.url);
  await ws.open();
  ws.send({ type: 'auth', token });
  await ws.waitFor((m) => m.type === 'hello');
  return ws;
}

describe('sessions end at once', () => {
  it('an admin resetting the password ends the user\'s sessions and closes their WebSocket; the new password logs in', async () => {
    const u = await userWithSession();
    const other = await login(u.username, u.password);
    const ws = await socket(u.token);
    expect((await me(u.token)).status).toBe(200);
    expect((await ts.api('PATCH', `/api/users/${u.id}`, { body: { password: 'a-brand-new-password' } })).status).toBe(200);
    for (const t of [u.token, other]) {
      const r = await me(t);
      expect(r.status).toBe(401);
      expect(r.body).toEqual({ error: 'unauthorized', message: expect.stringContaining('session ended') });
    }
    // closed on the event, not at the minute's recheck
    expect(await ws.waitClosed(5000)).toBe(4401);
    expect((await me(await login(u.username, 'a-brand-new-password'))).status).toBe(200);
  });

  it('a role change ends the sessions too; a PATCH that changes nothing of the kind does not', async () => {
    const u = await userWithSession('operator');
    expect((await ts.api('PATCH', `/api/users/${u.id}`, { body: { role: 'operator' } })).status).toBe(200);
    expect((await me(u.token)).status).toBe(200);
    expect((await ts.api('PATCH', `/api/users/${u.id}`, { body: { role: 'viewer' } })).status).toBe(200);
    expect((await me(u.token)).status).toBe(401);
    const again = await login(u.username, u.password);
    expect((await me(again)).body).toMatchObject({ username: u.username, role: 'viewer' });
  });

  it('a logout ends that session only: the same user\'s other session and API token keep working', async () => {
    const u = await userWithSession();
    const second = await login(u.username, u.password);
    const apiToken = (await ts.api('POST', '/api/tokens', { token: u.token, body: { name: 'script' } })).body.secret as string;
    const ws = await socket(u.token);
    const out = await ts.api('POST', '/api/auth/logout', { token: u.token });
    expect(out.status).toBe(204);
    expect((await me(u.token)).status).toBe(401);
    expect((await me(u.token)).body.message).toContain('logged out');
    expect((await me(second)).status).toBe(200);
    expect((await me(apiToken)).status).toBe(200);
    expect(await ws.waitClosed(5000)).toBe(4401);
    // logging out with an API token is not how it is revoked
    const viaToken = await ts.api('POST', '/api/auth/logout', { token: apiToken });
    expect(viaToken.status).toBe(422);
    expect(viaToken.body.message).toContain('DELETE /api/tokens');
  });

  it('the sessions survive a restart of the server, and so does a logout', async () => {
    const u = await userWithSession();
    const gone = await login(u.username, u.password);
    expect((await ts.api('POST', '/api/auth/logout', { token: gone })).status).toBe(204);
    ts = await ts.restart();
    expect((await me(u.token)).status).toBe(200);
    expect((await me(gone)).status).toBe(401);
  });
});
