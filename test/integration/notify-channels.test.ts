import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { NotifyError, alertMessage, createNotifier, signBody, testMessage, type AlertLike } from '../../src/notify/index.js';
import {
  startAppriseReceiver,
  startDiscordReceiver,
  startGotifyReceiver,
  startNtfyReceiver,
  startSlackReceiver,
  startSmtpReceiver,
  startTelegramReceiver,
  startWebhookReceiver,
  type AppriseReceiver,
  type DiscordReceiver,
  type GotifyReceiver,
  type NtfyReceiver,
  type SlackReceiver,
  type SmtpReceiver,
  type TelegramReceiver,
  type WebhookReceiver,
} from '../support/receivers/index.js';

// Every channel against a real loopback server answering as its service does (test/support/receivers). The lab is not
// needed here; the file lives in the integration project because it opens real sockets.

const deps = { fetch: globalThis.fetch, timeoutMs: 2_000 };
/** deadline for a failure test: short, so a hang shows up as a fast, retryable error */
const fastDeps = { fetch: globalThis.fetch, timeoutMs: 300 };
const DASHBOARD = 'http://homelab.lan:8000/#/docker/alerts/7';

const downAlert: AlertLike = {
  id: 7,
  source: 'docker',
  host_name: 'nas',
  target: 'docker:1:nginx:down',
  rule: 'container_down',
  state: 'open',
  severity: 'error',
  message: 'Container nginx is exited, expected running',
  container_name: 'nginx',
  opened_at: '2025-01-01T03:00:00.000Z',
  closed_at: null,
  occurrences: 1,
};
const opened = alertMessage('alert_opened', downAlert, { dashboardUrl: DASHBOARD });
const resolved = alertMessage('alert_resolved', { ...downAlert, state: 'closed', closed_at: '2025-01-01T03:02:05.000Z' });
const signal = (): AbortSignal => new AbortController().signal;

/** Awaits a rejection and returns it as a NotifyError (failing the test if it is anything else). */
async function failure(p: Promise<unknown>): Promise<NotifyError> {
  const err = await p.then(
    () => expect.fail('expected the send to fail'),
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(NotifyError);
  return err as NotifyError;
}

/** A loopback address where nothing listens. */
async function deadUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((r) => server.close(() => r()));
  return `http://127.0.0.1:${port}`;
}

describe('ntfy channel', () => {
  let rx: NtfyReceiver;
  beforeAll(async () => {
    rx = await startNtfyReceiver({ token: 'tk_homelab', username: 'phil', password: 'secret' });
  });
  afterEach(() => {
    rx.heal();
    rx.messages.clear();
  });
  afterAll(() => rx.close());

  it('publishes an opened alert to the topic with the seed title, priority 4, tags and a click link', async () => {
    const ntfy = createNotifier('ntfy', { server_url: rx.url, topic: 'homelab-docker', token: 'tk_homelab' }, deps);
    await ntfy.send(opened, signal());

    const m = await rx.waitFor();
    expect(m).toMatchObject({
      topic: 'homelab-docker',
      title: '🚨 Docker Alert - nas',
      message: 'nginx: Container nginx is exited, expected running',
      priority: 4,
      tags: ['warning', 'docker'],
      click: DASHBOARD,
      via: 'json',
      authorization: 'Bearer tk_homelab',
    });
    const req = rx.requests.at(-1)!;
    expect(req.method).toBe('POST');
    expect(req.path).toBe('/');
    expect(req.headers['content-type']).toBe('application/json');
  });

  it('publishes a resolved alert at priority 3 with a check-mark tag', async () => {
    const ntfy = createNotifier('ntfy', { server_url: rx.url, token: 'tk_homelab' }, deps);
    await ntfy.send(resolved, signal());
    const m = await rx.waitFor();
    expect(m).toMatchObject({ topic: 'homelab-docker', title: '✅ Resolved - nas', priority: 3, tags: ['white_check_mark', 'docker'] });
    expect(m.message).toBe('nginx: back to normal after 2m 5s (was: Container nginx is exited, expected running)');
  });

  it('applies the channel priority override and extra tags, and authenticates with username/password', async () => {
    const ntfy = createNotifier(
      'ntfy',
      { server_url: `${rx.url}/`, topic: 'ops', username: 'phil', password: 'secret', priority: 5, tags: ['house', 'docker'] },
      deps,
    );
    await ntfy.send(opened, signal());
    const m = await rx.waitFor();
    expect(m).toMatchObject({ topic: 'ops', priority: 5, tags: ['warning', 'docker', 'house'] });
    expect(m.authorization).toBe(`Basic ${Buffer.from('phil:secret').toString('base64')}`);
  });

  it('fails without retry, quoting ntfy, when the token is wrong', async () => {
    const ntfy = createNotifier('ntfy', { server_url: rx.url, token: 'tk_wrong' }, deps);
    const err = await failure(ntfy.send(opened, signal()));
    expect(err).toMatchObject({ channel: 'ntfy', status: 401, retryable: false });
    expect(err.message).toBe('ntfy: HTTP 401: unauthorized');
    expect(rx.messages.items).toHaveLength(0);
  });

  it('fails without retry when the server requires a token and none is configured', async () => {
    const ntfy = createNotifier('ntfy', { server_url: rx.url }, deps);
    const err = await failure(ntfy.send(opened, signal()));
    expect(err).toMatchObject({ status: 403, retryable: false, message: 'ntfy: HTTP 403: forbidden' });
  });

  it('reports an invalid topic with ntfy’s own message', async () => {
    // the schema refuses such a topic; build the notifier directly to see what the server says
    const { NtfyNotifier } = await import('../../src/notify/ntfy.js');
    const ntfy = new NtfyNotifier({ server_url: rx.url, topic: 'no spaces allowed', token: 'tk_homelab' }, deps);
    const err = await failure(ntfy.send(opened, signal()));
    expect(err).toMatchObject({ status: 400, retryable: false, message: 'ntfy: HTTP 400: invalid request: topic invalid' });
  });

  it('gives a retryable error with the status when ntfy answers 500', async () => {
    rx.fail({ status: 500, body: { code: 50001, http: 500, error: 'internal server error' } });
    const ntfy = createNotifier('ntfy', { server_url: rx.url, token: 'tk_homelab' }, deps);
    const err = await failure(ntfy.send(opened, signal()));
    expect(err).toMatchObject({ status: 500, retryable: true, message: 'ntfy: HTTP 500: internal server error' });
  });

  it('gives up quickly with a retryable error when ntfy never answers', async () => {
    rx.fail('hang');
    const ntfy = createNotifier('ntfy', { server_url: rx.url, token: 'tk_homelab' }, fastDeps);
    const started = Date.now();
    const err = await failure(ntfy.send(opened, signal()));
    expect(Date.now() - started).toBeLessThan(1_500);
    expect(err).toMatchObject({ retryable: true, message: 'ntfy: no answer within 300 ms' });
    expect(err.status).toBeUndefined();
  });

  it('stops when the caller aborts', async () => {
    rx.fail('hang');
    const ntfy = createNotifier('ntfy', { server_url: rx.url, token: 'tk_homelab' }, deps);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const err = await failure(ntfy.send(opened, controller.signal));
    expect(err.message).toBe('ntfy: delivery aborted');
  });

  it('gives a retryable error when nothing listens', async () => {
    const ntfy = createNotifier('ntfy', { server_url: await deadUrl() }, deps);
    const err = await failure(ntfy.send(opened, signal()));
    expect(err.retryable).toBe(true);
    expect(err.message).toMatch(/ECONNREFUSED/);
  });
});

describe('webhook channel', () => {
  let rx: WebhookReceiver;
  beforeAll(async () => {
    rx = await startWebhookReceiver({ secret: 's3cret' });
  });
  afterEach(() => rx.messages.clear());
  afterAll(() => rx.close());

  it('posts the message as JSON, signed with HMAC-SHA256 over the exact body, with custom headers', async () => {
    const hook = createNotifier(
      'webhook',
      { url: `${rx.url}/hooks/homelab`, secret: 's3cret', headers: { Authorization: 'Bearer abc' } },
      deps,
    );
    await hook.send(opened, signal());
    const d = await rx.waitFor();
    expect(d.method).toBe('POST');
    expect(d.path).toBe('/hooks/homelab');
    expect(d.signatureValid).toBe(true);
    expect(d.headers['x-homelab-signature']).toBe(signBody('s3cret', d.rawBody));
    expect(d.headers.authorization).toBe('Bearer abc');
    expect(d.headers['content-type']).toBe('application/json');
    expect(d.headers['x-homelab-event']).toBe('alert_opened');
    expect(d.json).toMatchObject({
      event: 'alert_opened',
      title: '🚨 Docker Alert - nas',
      body: 'nginx: Container nginx is exited, expected running',
      severity: 'error',
      tags: ['warning', 'docker'],
      url: DASHBOARD,
      alert: { id: 7, rule: 'container_down', target: 'docker:1:nginx:down', host_name: 'nas', occurrences: 1 },
    });
    expect(Date.parse((d.json as { sent_at: string }).sent_at)).not.toBeNaN();
  });

  it('uses PUT when configured', async () => {
    await createNotifier('webhook', { url: rx.url, method: 'PUT', secret: 's3cret' }, deps).send(resolved, signal());
    const d = await rx.waitFor();
    expect(d.method).toBe('PUT');
    expect(d.json).toMatchObject({ event: 'alert_resolved', title: '✅ Resolved - nas' });
  });

  it('fails without retry when the receiver refuses the signature', async () => {
    const hook = createNotifier('webhook', { url: rx.url, secret: 'not-the-secret' }, deps);
    const err = await failure(hook.send(opened, signal()));
    expect(err).toMatchObject({ channel: 'webhook', status: 401, retryable: false });
    expect(err.message).toContain('bad signature');
  });
});

describe('gotify channel', () => {
  let rx: GotifyReceiver;
  beforeAll(async () => {
    rx = await startGotifyReceiver({ appToken: 'AppTok3n' });
  });
  afterEach(() => rx.messages.clear());
  afterAll(() => rx.close());

  it('posts /message with the app token in X-Gotify-Key and a priority from the severity', async () => {
    await createNotifier('gotify', { server_url: rx.url, app_token: 'AppTok3n' }, deps).send(opened, signal());
    const m = await rx.waitFor();
    expect(m).toMatchObject({ title: '🚨 Docker Alert - nas', message: opened.body, priority: 7 });
    expect(m.extras).toEqual({ 'client::notification': { click: { url: DASHBOARD } } });
    const req = rx.requests.at(-1)!;
    expect(req.path).toBe('/message');
    expect(req.headers['x-gotify-key']).toBe('AppTok3n');
    expect(req.query.get('token')).toBeNull(); // the token stays out of URLs (and proxy logs)
  });

  it('sends resolved messages at a calm priority', async () => {
    await createNotifier('gotify', { server_url: rx.url, app_token: 'AppTok3n' }, deps).send(resolved, signal());
    expect((await rx.waitFor()).priority).toBe(4);
  });

  it('fails without retry, quoting Gotify, when the token is wrong', async () => {
    const err = await failure(createNotifier('gotify', { server_url: rx.url, app_token: 'nope' }, deps).send(opened, signal()));
    expect(err).toMatchObject({ status: 401, retryable: false });
    expect(err.message).toBe('gotify: HTTP 401: you need to provide a valid access token or user credentials to access this api');
  });
});

describe('discord channel', () => {
  let rx: DiscordReceiver;
  beforeAll(async () => {
    rx = await startDiscordReceiver();
  });
  afterEach(() => rx.messages.clear());
  afterAll(() => rx.close());

  it('posts one red embed for an error alert and a green one once resolved', async () => {
    const discord = createNotifier('discord', { webhook_url: rx.webhookUrl }, deps);
    await discord.send(opened, signal());
    await discord.send(resolved, signal());
    const [first, second] = rx.messages.items;
    expect(first.embeds).toHaveLength(1);
    expect(first.embeds[0]).toMatchObject({ title: '🚨 Docker Alert - nas', description: opened.body, color: 0xe74c3c, url: DASHBOARD });
    expect(second.embeds[0]).toMatchObject({ title: '✅ Resolved - nas', color: 0x2ecc71 });
    expect(first.username).toBe('Homelab Dashboard');
  });

  it('fails without retry, quoting Discord, when the webhook token is wrong — without leaking the URL', async () => {
    const url = rx.webhookUrl.replace(/[^/]+$/, 'wrong-token');
    const err = await failure(createNotifier('discord', { webhook_url: url }, deps).send(opened, signal()));
    expect(err).toMatchObject({ status: 401, retryable: false, message: 'discord: HTTP 401: Invalid Webhook Token' });
    expect(err.message).not.toContain('wrong-token');
  });

  it('retries later when Discord rate-limits', async () => {
    rx.fail({ status: 429, body: { message: 'You are being rate limited.', retry_after: 1.5, global: false } }, 1);
    const err = await failure(createNotifier('discord', { webhook_url: rx.webhookUrl }, deps).send(opened, signal()));
    expect(err).toMatchObject({ status: 429, retryable: true, message: 'discord: HTTP 429: You are being rate limited.' });
  });
});

describe('slack channel', () => {
  let rx: SlackReceiver;
  beforeAll(async () => {
    rx = await startSlackReceiver();
  });
  afterEach(() => rx.messages.clear());
  afterAll(() => rx.close());

  it('posts text plus a header block with the title and a section with the body', async () => {
    await createNotifier('slack', { webhook_url: rx.webhookUrl }, deps).send(opened, signal());
    const m = await rx.waitFor();
    expect(m.text).toBe(`🚨 Docker Alert - nas\n${opened.body}`);
    expect(m.blocks?.[0]).toMatchObject({ type: 'header', text: { type: 'plain_text', text: '🚨 Docker Alert - nas' } });
    expect(JSON.stringify(m.blocks?.[1])).toContain('nginx: Container nginx is exited, expected running');
    expect(m.blocks?.[2]).toMatchObject({ type: 'context', elements: [{ text: `<${DASHBOARD}|Open the dashboard>` }] });
  });

  it('fails without retry with Slack’s error code when the webhook secret is wrong', async () => {
    const url = rx.webhookUrl.replace(/[^/]+$/, 'revoked');
    const err = await failure(createNotifier('slack', { webhook_url: url }, deps).send(opened, signal()));
    expect(err).toMatchObject({ status: 403, retryable: false, message: 'slack: HTTP 403: invalid_token' });
  });
});

describe('telegram channel', () => {
  let rx: TelegramReceiver;
  beforeAll(async () => {
    rx = await startTelegramReceiver({ botToken: '123:ABC', chatIds: [42, '@homelab'] });
  });
  afterEach(() => rx.messages.clear());
  afterAll(() => rx.close());

  it('calls sendMessage with the chat id and an HTML message, escaping what the alert says', async () => {
    const tg = createNotifier('telegram', { bot_token: '123:ABC', chat_id: 42, api_base_url: rx.url }, deps);
    const msg = { ...opened, body: 'db: health check says <unhealthy> & slow' };
    await tg.send(msg, signal());
    const m = await rx.waitFor();
    expect(rx.requests.at(-1)!.path).toBe('/bot123:ABC/sendMessage');
    expect(m.chat_id).toBe(42);
    expect(m.parse_mode).toBe('HTML');
    expect(m.text).toBe(
      `<b>🚨 Docker Alert - nas</b>\ndb: health check says &lt;unhealthy&gt; &amp; slow\n<a href="${DASHBOARD}">Open the dashboard</a>`,
    );
  });

  it('accepts a channel name as chat id', async () => {
    const tg = createNotifier('telegram', { bot_token: '123:ABC', chat_id: '@homelab', api_base_url: rx.url }, deps);
    await tg.send(testMessage('tg'), signal());
    expect((await rx.waitFor()).chat_id).toBe('@homelab');
  });

  it('fails without retry, quoting Telegram, for a wrong token or an unknown chat — never quoting the token', async () => {
    const badToken = createNotifier('telegram', { bot_token: '999:LEAKME', chat_id: 42, api_base_url: rx.url }, deps);
    const e1 = await failure(badToken.send(opened, signal()));
    expect(e1).toMatchObject({ status: 401, retryable: false, message: 'telegram: HTTP 401: Unauthorized' });
    expect(e1.message).not.toContain('LEAKME');

    const badChat = createNotifier('telegram', { bot_token: '123:ABC', chat_id: 7, api_base_url: rx.url }, deps);
    const e2 = await failure(badChat.send(opened, signal()));
    expect(e2).toMatchObject({ status: 400, retryable: false, message: 'telegram: HTTP 400: Bad Request: chat not found' });
  });
});

describe('apprise channel', () => {
  let rx: AppriseReceiver;
  beforeAll(async () => {
    rx = await startAppriseReceiver({ keys: ['homelab'] });
  });
  afterEach(() => {
    rx.heal();
    rx.messages.clear();
  });
  afterAll(() => rx.close());

  it('notifies a stored key with type failure for an error, success once resolved, and the tag', async () => {
    const apprise = createNotifier('apprise', { server_url: rx.url, key: 'homelab', tag: 'ops' }, deps);
    await apprise.send(opened, signal());
    await apprise.send(resolved, signal());
    const [a, b] = rx.messages.items;
    expect(a).toMatchObject({ key: 'homelab', title: '🚨 Docker Alert - nas', type: 'failure', tag: 'ops', format: 'text' });
    expect(a.body).toBe(`${opened.body}\n\n${DASHBOARD}`);
    expect(b).toMatchObject({ key: 'homelab', type: 'success', title: '✅ Resolved - nas' });
  });

  it('notifies stateless with its own Apprise URLs', async () => {
    const urls = 'ntfys://tk_x@ntfy.example/topic mailto://u:p@mail.example';
    await createNotifier('apprise', { server_url: rx.url, urls }, deps).send(opened, signal());
    expect(await rx.waitFor()).toMatchObject({ key: null, urls, type: 'failure' });
    expect(rx.requests.at(-1)!.path).toBe('/notify');
  });

  it('fails without retry when the key has nothing configured (204)', async () => {
    const err = await failure(createNotifier('apprise', { server_url: rx.url, key: 'unknown' }, deps).send(opened, signal()));
    expect(err).toMatchObject({ status: 204, retryable: false });
    expect(err.message).toContain('no Apprise URLs configured');
  });

  it('retries later when some of Apprise’s services failed (424)', async () => {
    rx.fail({ status: 424, body: { error: 'One or more notification could not be sent.' } }, 1);
    const err = await failure(createNotifier('apprise', { server_url: rx.url, key: 'homelab' }, deps).send(opened, signal()));
    expect(err).toMatchObject({ status: 424, retryable: true, message: 'apprise: HTTP 424: One or more notification could not be sent.' });
  });
});

describe('email channel', () => {
  let rx: SmtpReceiver;
  const base = () => ({
    host: rx.host,
    port: rx.port,
    secure: false,
    username: 'alerts',
    password: 'mail-pass',
    from: 'Homelab <homelab@example.lan>',
    to: ['ops@example.lan', 'me@example.lan'],
  });
  beforeAll(async () => {
    rx = await startSmtpReceiver({ auth: { user: 'alerts', pass: 'mail-pass' }, rejectRecipients: ['nobody@example.lan'] });
  });
  afterEach(() => {
    rx.heal();
    rx.messages.clear();
  });
  afterAll(() => rx.close());

  it('delivers over SMTP with authentication, the alert title as subject and the details in the body', async () => {
    await createNotifier('email', base(), deps).send(opened, signal());
    const m = await rx.waitFor();
    expect(m.user).toBe('alerts');
    expect(m.from).toBe('homelab@example.lan');
    expect(m.to).toEqual(['ops@example.lan', 'me@example.lan']);
    expect(m.subject).toBe('🚨 Docker Alert - nas');
    expect(m.headers['x-homelab-event']).toBe('alert_opened');
    expect(m.text).toContain('nginx: Container nginx is exited, expected running');
    expect(m.text).toContain('Rule: container_down');
    expect(m.text).toContain(DASHBOARD);
  });

  it('fails without retry when the password is wrong', async () => {
    const err = await failure(createNotifier('email', { ...base(), password: 'wrong' }, deps).send(opened, signal()));
    expect(err).toMatchObject({ channel: 'email', status: 535, retryable: false });
    expect(err.message).toContain('authentication failed');
  });

  it('fails without retry when a recipient is refused', async () => {
    const err = await failure(createNotifier('email', { ...base(), to: ['nobody@example.lan'] }, deps).send(opened, signal()));
    expect(err).toMatchObject({ status: 550, retryable: false });
  });

  it('retries later on a temporary SMTP failure', async () => {
    rx.fail({ at: 'MAIL', code: 451, text: '4.3.0 Try again later' });
    const err = await failure(createNotifier('email', base(), deps).send(opened, signal()));
    expect(err).toMatchObject({ status: 451, retryable: true });
  });

  it('gives up quickly with a retryable error when the server never greets', async () => {
    rx.fail('hang');
    const started = Date.now();
    const err = await failure(createNotifier('email', base(), fastDeps).send(opened, signal()));
    expect(Date.now() - started).toBeLessThan(1_500);
    expect(err.retryable).toBe(true);
  });
});

// The receivers are shared with the alerting tests; these pin the ntfy behaviour they rely on.
describe('ntfy receiver', () => {
  let rx: NtfyReceiver;
  beforeAll(async () => {
    rx = await startNtfyReceiver();
  });
  afterAll(() => rx.close());

  it('accepts header-style publishing like ntfy and answers with the message envelope', async () => {
    const res = await fetch(`${rx.url}/homelab-docker`, {
      method: 'PUT',
      headers: { 'X-Title': 'Backup', Priority: 'high', Tags: 'warning, docker', Click: DASHBOARD },
      body: 'Backup failed',
    });
    expect(res.status).toBe(200);
    const answer = (await res.json()) as Record<string, unknown>;
    expect(answer).toMatchObject({ event: 'message', topic: 'homelab-docker', title: 'Backup', message: 'Backup failed', priority: 4 });
    expect(answer.expires as number).toBeGreaterThan(answer.time as number);
    expect(await rx.waitFor((m) => m.via === 'headers')).toMatchObject({ priority: 4, tags: ['warning', 'docker'], click: DASHBOARD });
  });

  it('refuses what ntfy refuses, with ntfy’s error codes', async () => {
    const post = (body: string) => fetch(`${rx.url}/`, { method: 'POST', body }).then(async (r) => [r.status, await r.json()]);
    expect(await post('not json')).toEqual([400, expect.objectContaining({ code: 40017, http: 400 })]);
    expect(await post(JSON.stringify({ topic: 'a/b', message: 'x' }))).toEqual([400, expect.objectContaining({ code: 40009 })]);
    expect(await post(JSON.stringify({ topic: 'ok', message: 'x', priority: 9 }))).toEqual([
      400,
      expect.objectContaining({ code: 40007, error: 'invalid priority parameter' }),
    ]);
  });

  it('lets a test wait for the n-th message and assert that none more arrives', async () => {
    const ntfy = createNotifier('ntfy', { server_url: rx.url, topic: 'count' }, deps);
    const quiet = expect(rx.messages.noneWithin(200, (m) => m.topic === 'count')).rejects.toThrow(/unexpected item/);
    await ntfy.send(opened, signal());
    await quiet;
    const later = rx.messages.waitForCount(2, (m) => m.topic === 'count', 2_000);
    await ntfy.send(resolved, signal());
    expect((await later).map((m) => m.priority)).toEqual([4, 3]);
    await expect(rx.messages.noneWithin(100, (m) => m.topic === 'count')).resolves.toBeUndefined();
    await expect(rx.messages.waitForCount(3, (m) => m.topic === 'count', 100)).rejects.toThrow(/2 of 3/);
  });
});
