// Login, bearer tokens, API tokens and user management against a real server on a real port (real SQLite).
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, startTestServer, type TestServer } from '../support/app.js';
import { postFrom } from '../support/http-from.js';

const JWT_SECRET = 'auth-test-jwt-secret-0123456789abcdef';

describe('login and bearer tokens', () => {
  let ts: TestServer;
  beforeAll(async () => {
    ts = await startTestServer({ env: { HOMELAB_JWT_SECRET: JWT_SECRET, HOMELAB_JWT_TTL: '3600' } });
  });
  afterAll(() => ts?.destroy());

  it('logs in with JSON and answers {access_token, token_type: bearer, expires_in}', async () => {
    const r = await ts.api('POST', '/api/auth/login', { role: null, body: ADMIN });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ access_token: expect.any(String), token_type: 'bearer', expires_in: 3600 });
    const me = await ts.api('GET', '/api/auth/me', { token: r.body.access_token });
    expect(me.status).toBe(200);
    expect(me.body).toEqual({ id: expect.any(Number), username: 'admin', role: 'admin' });
  });

  it('logs in with the OAuth2 password form (urlencoded)', async () => {
    const form = new URLSearchParams({ grant_type: 'password', username: 'operator', password: 'operator-password-1', scope: '' });
    const r = await ts.api('POST', '/api/auth/login', {
      role: null,
      body: form.toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(r.status).toBe(200);
    expect(r.body.token_type).toBe('bearer');
    const me = await ts.api('GET', '/api/auth/me', { token: r.body.access_token });
    expect(me.body).toMatchObject({ username: 'operator', role: 'operator' });
  });

  it('refuses a wrong password and an unknown user with 401 {error, message}', async () => {
    for (const body of [{ username: 'admin', password: 'wrong-password' }, { username: 'nobody', password: 'whatever-1' }]) {
      const r = await ts.api('POST', '/api/auth/login', { role: null, body });
      expect(r.status).toBe(401);
      expect(r.body).toEqual({ error: 'unauthorized', message: expect.any(String) });
      expect(r.body.access_token).toBeUndefined();
    }
  });

  it('answers 401 to a request without a token, with a garbage token, and with an expired or foreign-signed JWT', async () => {
    const me = (token?: string) => ts.api('GET', '/api/auth/me', token ? { token } : { role: null });
    const none = await me();
    expect(none.status).toBe(401);
    expect(none.body).toEqual({ error: 'unauthorized', message: expect.any(String) });
    expect((await me('garbage.not.ajwt')).status).toBe(401);
    expect((await me('hl_not-a-real-api-token')).status).toBe(401);

    const adminId = (await ts.container.repos.users.getByUsername('admin'))!.id;
    const sign = (secret: string, exp: number) =>
      new SignJWT({ role: 'admin', username: 'admin' })
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject(String(adminId))
        .setIssuer('homelab-dashboard')
        .setIssuedAt(exp - 3600)
        .setExpirationTime(exp)
        .sign(new TextEncoder().encode(secret));
    const now = Math.floor(Date.now() / 1000);
    // Control: a token we sign ourselves with the server's secret is accepted, so the refusals below are about expiry/key.
    expect((await me(await sign(JWT_SECRET, now + 600))).status).toBe(200);
    const expired = await me(await sign(JWT_SECRET, now - 60));
    expect(expired.status).toBe(401);
    expect(expired.body.message).toMatch(/expired/);
    expect((await me(await sign('some-other-secret-0123456789abcdef', now + 600))).status).toBe(401);
  });

  it('follows the user: a demotion ends the sessions at once (the new one has the new role), a deleted user\'s token stops working', async () => {
    await ts.api('POST', '/api/users', { body: { username: 'carol', password: 'carol-password-1', role: 'admin' } });
    const login = await ts.api('POST', '/api/auth/login', { role: null, body: { username: 'carol', password: 'carol-password-1' } });
    const token = login.body.access_token as string;
    expect((await ts.api('GET', '/api/users', { token })).status).toBe(200);
    const carol = (await ts.container.repos.users.getByUsername('carol'))!;
    expect((await ts.api('PATCH', `/api/users/${carol.id}`, { body: { role: 'viewer' } })).status).toBe(200);
    expect((await ts.api('GET', '/api/users', { token })).status).toBe(401);
    const again = (await ts.api('POST', '/api/auth/login', { role: null, body: { username: 'carol', password: 'carol-password-1' } })).body.access_token as string;
    expect((await ts.api('GET', '/api/users', { token: again })).status).toBe(403);
    expect((await ts.api('GET', '/api/hosts', { token: again })).status).toBe(200);
    expect((await ts.api('DELETE', `/api/users/${carol.id}`)).status).toBe(204);
    expect((await ts.api('GET', '/api/hosts', { token: again })).status).toBe(401);
  });
});

describe('login rate limit', () => {
  let ts: TestServer;
  beforeAll(async () => {
    ts = await startTestServer({ env: { HOMELAB_LOGIN_RATE_LIMIT: '3' } });
  });
  afterAll(() => ts?.destroy());

  /** A login from a client of its own: a distinct loopback source address, so each test client has its own budget. */
  const loginFrom = (localAddress: string, body: object, extraHeaders: Record<string, string> = {}) => postFrom(ts.url, '/api/auth/login', localAddress, body, extraHeaders);

  it('answers 429 {error, message} after 3 attempts from one client, even with the right password', async () => {
    const bad = { username: 'admin', password: 'wrong-password' };
    for (let i = 0; i < 3; i++) expect((await loginFrom('127.0.0.77', bad)).status).toBe(401);
    const r = await loginFrom('127.0.0.77', ADMIN);
    expect(r.status).toBe(429);
    expect(r.body).toEqual({ error: 'rate_limited', message: expect.any(String) });
    // Another client still logs in, and the limit is on login only.
    expect((await loginFrom('127.0.0.78', ADMIN)).status).toBe(200);
    expect((await ts.api('GET', '/api/auth/me')).status).toBe(200);
  });

  it('cannot be dodged by sending a different X-Forwarded-For with every attempt', async () => {
    const bad = { username: 'admin', password: 'wrong-password' };
    for (let i = 0; i < 3; i++) expect((await loginFrom('127.0.0.79', bad, { 'x-forwarded-for': `203.0.113.${i}` })).status).toBe(401);
    expect((await loginFrom('127.0.0.79', bad, { 'x-forwarded-for': '203.0.113.99' })).status).toBe(429);
  });
});
