// The login limits behind a reverse proxy (HOMELAB_TRUST_PROXY=true: one proxy in front). Each client the proxy
// reports has its own budget, a client cannot pick a new address by writing its own X-Forwarded-For, and one account
// cannot be tried from many addresses. Real HTTP: the test plays the proxy from one loopback address.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, startTestServer, type TestServer } from '../support/app.js';
import { postFrom } from '../support/http-from.js';

let ts: TestServer;
beforeAll(async () => {
  ts = await startTestServer({ env: { HOMELAB_LOGIN_RATE_LIMIT: '3', HOMELAB_TRUST_PROXY: 'true' } });
});
afterAll(() => ts?.destroy());

/** A login relayed by "the proxy" (always 127.0.0.90) for the client address it reports. */
const viaProxy = (body: object, forwardedFor: string) => postFrom(ts.url, '/api/auth/login', '127.0.0.90', body, { 'x-forwarded-for': forwardedFor });

describe('login limits behind a trusted proxy', () => {
  it('12 bad logins from different clients do not lock out the real admin behind the same proxy', async () => {
    for (let i = 0; i < 12; i++) expect((await viaProxy({ username: `nobody${i}`, password: 'wrong-password' }, `198.51.100.${i}`)).status).toBe(401);
    const r = await viaProxy(ADMIN, '192.0.2.10');
    expect(r.status, JSON.stringify(r.body)).toBe(200);
  });

  it('one client is limited by the address the proxy reports, whatever it writes in X-Forwarded-For itself', async () => {
    const bad = { username: 'admin', password: 'wrong-password' };
    // the client's own header comes first; the proxy appends the address it sees last
    for (let i = 0; i < 3; i++) expect((await viaProxy(bad, `10.9.9.${i}, 203.0.113.7`)).status).toBe(401);
    const r = await viaProxy(ADMIN, '10.9.9.99, 203.0.113.7');
    expect(r.status).toBe(429);
    expect(r.body).toEqual({ error: 'rate_limited', message: expect.any(String) });
    expect((await viaProxy(ADMIN, '203.0.113.8')).status).toBe(200);
  });

  it('one account tried from many addresses is refused for a while, other accounts are not', async () => {
    const bad = { username: 'operator', password: 'wrong-password' };
    // the account's budget is five clients' worth: 15 failures with a limit of 3
    for (let i = 0; i < 15; i++) expect((await viaProxy(bad, `100.64.${i}.1`)).status).toBe(401);
    const locked = await viaProxy({ username: 'Operator', password: 'wrong-password' }, '100.64.200.1');
    expect(locked.status).toBe(429);
    expect(locked.body).toEqual({ error: 'rate_limited', message: expect.stringContaining('this account') });
    expect((await viaProxy(ADMIN, '100.64.201.1')).status).toBe(200);
  });
});
