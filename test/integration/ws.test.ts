// The WebSocket hub through a real server: authentication (?token=, first message, refusals) and per-client
// coalescing of bursts (at most one message per object per second, the latest state wins).
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/app.js';
import { WsTestClient } from '../support/ws-client.js';

let ts: TestServer;
const clients: WsTestClient[] = [];
const connect = (token?: string) => {
  const c = WsTestClient.connect(ts.url, token);
  clients.push(c);
  return c;
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  ts = await startTestServer();
});
afterEach(() => {
  for (const c of clients.splice(0)) c.close();
});
afterAll(() => ts?.destroy());

describe('WebSocket authentication', () => {
  it('accepts ?token= and greets with the user', async () => {
    const c = connect(ts.tokens.operator);
    await c.open();
    expect(await c.waitFor((m) => m.type === 'hello')).toEqual({ type: 'hello', user: { id: expect.any(Number), username: 'operator', role: 'operator' } });
  });

  it('accepts the token as the first message {type: auth, token}, also an API token', async () => {
    const c = connect();
    await c.open();
    c.send({ type: 'auth', token: ts.tokens.viewer });
    expect(await c.waitFor((m) => m.type === 'hello')).toMatchObject({ user: { username: 'viewer', role: 'viewer' } });

    const apiToken = (await ts.api('POST', '/api/tokens', { body: { name: 'ws', role: 'operator' } })).body.secret as string;
    const d = connect();
    await d.open();
    d.send({ type: 'auth', token: apiToken });
    expect(await d.waitFor((m) => m.type === 'hello')).toMatchObject({ user: { username: 'admin', role: 'operator' } });
  });

  it('refuses a bad ?token= at the upgrade with HTTP 401', async () => {
    const c = connect('garbage');
    await expect(c.open()).rejects.toThrow(/401/);
    expect(c.refusedStatus).toBe(401);
  });

  it('closes with 4401 on a bad first message, and sends nothing else', async () => {
    const c = connect();
    await c.open();
    c.send({ type: 'auth', token: 'garbage' });
    expect(await c.waitClosed()).toBe(4401);
    expect(c.messages().map((m) => m.type)).toEqual(['error']);
    expect(c.messages()[0]).toMatchObject({ error: 'unauthorized' });

    const d = connect();
    await d.open();
    d.send({ type: 'subscribe_logs', host_id: 1 });
    expect(await d.waitClosed()).toBe(4401);
  });

  it('gives an unauthenticated connection no events while it waits to authenticate', async () => {
    const c = connect();
    await c.open();
    await ts.container.hosts.create({ name: 'while-anon', host: 'anon.lan' });
    await sleep(300);
    expect(c.messages()).toEqual([]);
  });

  it('answers an unknown message type with an error, and keeps the connection', async () => {
    const c = connect(ts.tokens.viewer);
    await c.waitFor((m) => m.type === 'hello');
    c.send({ type: 'no_such_topic' });
    expect(await c.waitFor((m) => m.type === 'error')).toMatchObject({ error: 'unknown_type' });
    c.send({ type: 'auth', token: 'x' }); // not an error to crash on either
    await sleep(100);
    expect(c.closeCode).toBeNull();
  });
});

describe('WebSocket events and coalescing', () => {
  it('coalesces a burst of 50 changes of one host into at most 2 messages within 1.5 s, the last with the final state', async () => {
    const host = await ts.container.hosts.create({ name: 'busy', host: 'busy.lan' });
    const c = connect(ts.tokens.viewer);
    await c.waitFor((m) => m.type === 'hello');
    const t0 = Date.now();
    for (let i = 0; i < 50; i++) await ts.container.hosts.update(host.id, { os_type: `os-${i}` });
    const burstMs = Date.now() - t0;
    await sleep(Math.max(0, 1500 - (Date.now() - t0)));
    const got = c.messages('host_updated').filter((m) => m.host.id === host.id);
    expect(got.length, `burst took ${burstMs} ms`).toBeGreaterThanOrEqual(1);
    expect(got.length).toBeLessThanOrEqual(2);
    // The final state arrives (at the latest one window after the burst) and is the last message.
    await c.waitFor((m) => m.type === 'host_updated' && m.host.id === host.id && m.host.os_type === 'os-49', 3000);
    await sleep(1200);
    const all = c.messages('host_updated').filter((m) => m.host.id === host.id);
    expect(all.at(-1).host.os_type).toBe('os-49');
    expect(all.length).toBeLessThanOrEqual(3);
  });

  it('does not merge two different hosts: both arrive at once', async () => {
    const a = await ts.container.hosts.create({ name: 'host-a', host: 'a.lan' });
    const b = await ts.container.hosts.create({ name: 'host-b', host: 'b.lan' });
    const c = connect(ts.tokens.viewer);
    await c.waitFor((m) => m.type === 'hello');
    const t0 = Date.now();
    await ts.container.hosts.update(a.id, { os_type: 'alpha' });
    await ts.container.hosts.update(b.id, { os_type: 'beta' });
    await c.waitFor((m) => m.type === 'host_updated' && m.host.id === a.id && m.host.os_type === 'alpha');
    await c.waitFor((m) => m.type === 'host_updated' && m.host.id === b.id && m.host.os_type === 'beta');
    // Neither waited for the one-second window.
    const arrivals = c.received.filter((r) => r.msg.type === 'host_updated').map((r) => r.at - t0);
    expect(Math.max(...arrivals)).toBeLessThan(800);
  });

  it('coalesces per client: a client that connects mid-burst gets its own first message at once', async () => {
    const host = await ts.container.hosts.create({ name: 'shared-burst', host: 'sb.lan' });
    const first = connect(ts.tokens.viewer);
    await first.waitFor((m) => m.type === 'hello');
    await ts.container.hosts.update(host.id, { os_type: 'one' });
    await first.waitFor((m) => m.type === 'host_updated' && m.host.os_type === 'one');
    const second = connect(ts.tokens.viewer);
    await second.waitFor((m) => m.type === 'hello');
    await ts.container.hosts.update(host.id, { os_type: 'two' });
    // `first` is inside its window; `second` is not.
    await second.waitFor((m) => m.type === 'host_updated' && m.host.os_type === 'two', 500);
    expect(first.messages('host_updated').map((m) => m.host.os_type)).toEqual(['one']);
    await first.waitFor((m) => m.type === 'host_updated' && m.host.os_type === 'two', 2000);
  });

  it('streams task progress as task_updated, ending with the final status', async () => {
    const c = connect(ts.tokens.viewer);
    await c.waitFor((m) => m.type === 'hello');
    const { task } = await ts.container.tasks.run({ action: 'ws.test', host_id: null, target: 'x', requested_by: 'admin' }, async () => ({ output: 'done', value: 1 }));
    const last = await c.waitFor((m) => m.type === 'task_updated' && m.task.id === task.id && m.task.status === 'success', 3000);
    expect(last.task).toMatchObject({ action: 'ws.test', output: 'done' });
    expect(c.messages('task_updated').filter((m) => m.task.id === task.id).length).toBeLessThanOrEqual(2);
  });

  it('sends host deletions and creations to every connected client', async () => {
    const v = connect(ts.tokens.viewer);
    const o = connect(ts.tokens.operator);
    await Promise.all([v.waitFor((m) => m.type === 'hello'), o.waitFor((m) => m.type === 'hello')]);
    const created = await ts.api('POST', '/api/hosts', { body: { name: 'announced', host: 'announced.lan' } });
    for (const c of [v, o]) await c.waitFor((m) => m.type === 'host_updated' && m.host.id === created.body.id);
    await ts.api('DELETE', `/api/hosts/${created.body.id}`);
    for (const c of [v, o]) await c.waitFor((m) => m.type === 'host_removed' && m.host_id === created.body.id);
  });
});
