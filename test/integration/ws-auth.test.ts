// How a WebSocket authenticates: by its first message (what the UI does, so no token sits in a URL a proxy logs), or
// still by ?token= for scripts — which is refused with a 400, not a 500, when given twice. Real HTTP upgrade.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/app.js';
import { WsTestClient } from '../support/ws-client.js';

let ts: TestServer;
beforeAll(async () => {
  ts = await startTestServer();
});
afterAll(() => ts?.destroy());

const wsUrl = (query: string) => `${ts.url.replace(/^http/, 'ws')}/ws${query}`;

describe('WebSocket authentication', () => {
  it('by the first message: hello with the user, then the live messages', async () => {
    const ws = WsTestClient.connect(ts.url);
    await ws.open();
    ws.send({ type: 'auth', token: ts.tokens.operator });
    expect(await ws.waitFor((m) => m.type === 'hello')).toMatchObject({ user: { username: 'operator', role: 'operator' } });
    const host = await ts.api('POST', '/api/hosts', { body: { name: 'ws-auth-host', host: 'ws-auth.lan' } });
    expect(await ws.waitFor((m) => m.type === 'host_updated' && m.host.id === host.body.id)).toBeTruthy();
    ws.close();
  });

  it('a bad first message closes with 4401 and says why', async () => {
    const ws = WsTestClient.connect(ts.url);
    await ws.open();
    ws.send({ type: 'auth', token: 'not-a-token' });
    expect(await ws.waitClosed()).toBe(4401);
    expect(ws.messages('error')[0]).toMatchObject({ error: 'unauthorized' });
  });

  it('a token given twice in the query is a 400, whatever the spelling', async () => {
    for (const q of [`?token=${ts.tokens.viewer}&token=x`, `?%74oken=${ts.tokens.viewer}&token=x`]) {
      const ws = new WsTestClient(wsUrl(q));
      await ws.open().catch(() => undefined);
      expect(ws.refusedStatus, q.slice(0, 10)).toBe(400);
    }
  });
});
