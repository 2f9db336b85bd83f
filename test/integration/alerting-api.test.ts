import Database from 'better-sqlite3';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startNtfyReceiver, startWebhookReceiver, verifySignature, type NtfyReceiver, type WebhookReceiver } from '../support/receivers/index.js';
import { type Harness, removeDir, startAlerting } from './alerting-support.js';

// The notification channels API as an admin uses it, against real receivers: secrets stored encrypted and never
// returned, kept across edits, the test message, kinds for the form, and the zero-config channel from HOMELAB_NTFY_*.

let h: Harness;
let ntfy: NtfyReceiver;
let hook: WebhookReceiver;

beforeAll(async () => {
  ntfy = await startNtfyReceiver({ token: 'tk_env_token' });
  hook = await startWebhookReceiver({ secret: 's3cret-hmac' });
  h = await startAlerting({ HOMELAB_NTFY_URL: ntfy.url, HOMELAB_NTFY_TOPIC: 'lab-topic', HOMELAB_NTFY_TOKEN: 'tk_env_token' });
});

afterAll(async () => {
  await h?.close();
  removeDir(h.dataDir);
  await ntfy?.close();
  await hook?.close();
});

/** What is stored on disk for a channel (read with a separate connection, as an attacker with the file would). */
function storedRow(id: number): { config: string; secrets: string | null } {
  const db = new Database(path.join(h.dataDir, 'homelab.db'), { readonly: true });
  try {
    return db.prepare('select config, secrets from notification_channels where id = ?').get(id) as { config: string; secrets: string | null };
  } finally {
    db.close();
  }
}

describe('zero-config ntfy channel', () => {
  it('exists from HOMELAB_NTFY_URL/TOPIC/TOKEN and its test message reaches the server with the token', async () => {
    const list = (await h.api('GET', '/api/notifications/channels')).body.channels;
    const env = list.find((c: any) => c.name === 'ntfy (environment)');
    expect(env).toMatchObject({ kind: 'ntfy', enabled: true, notify_resolved: true, min_severity: 'warning', secrets_set: ['token'] });
    expect(env.config).toMatchObject({ server_url: ntfy.url, topic: 'lab-topic' });
    expect(JSON.stringify(env)).not.toContain('tk_env_token');

    const r = await h.api('POST', `/api/notifications/channels/${env.id}/test`);
    expect(r.status).toBe(200);
    const m = await ntfy.waitFor((x) => x.title === '🔔 Test notification - Homelab Dashboard');
    expect(m).toMatchObject({ topic: 'lab-topic', authorization: 'Bearer tk_env_token' });
  });

  it('is refreshed, not duplicated, by a restart with other settings', async () => {
    h = await h.restart({ HOMELAB_NTFY_TOPIC: 'other-topic' });
    const envs = (await h.api('GET', '/api/notifications/channels')).body.channels.filter((c: any) => c.name === 'ntfy (environment)');
    expect(envs).toHaveLength(1);
    expect(envs[0].config.topic).toBe('other-topic');
  });
});

describe('channels CRUD', () => {
  it('stores secrets encrypted, never returns them, keeps them on edit unless replaced', async () => {
    const created = await h.api('POST', '/api/notifications/channels', {
      body: { name: 'signed hook', kind: 'webhook', config: { url: `${hook.url}/in`, secret: 's3cret-hmac', headers: { 'X-Api-Key': 'header-secret' } }, min_severity: 'error' },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'signed hook', kind: 'webhook', enabled: true, min_severity: 'error', notify_resolved: true, last_error: null });
    expect(created.body.secrets_set.sort()).toEqual(['headers', 'secret']);
    expect(created.body.config.url).toBe(`${hook.url}/in`);
    const text = JSON.stringify(created.body);
    expect(text).not.toContain('s3cret-hmac');
    expect(text).not.toContain('header-secret');
    const stored = storedRow(created.body.id);
    expect(stored.secrets).toMatch(/^v1:/);
    expect(stored.secrets).not.toContain('s3cret');
    expect(stored.config).not.toContain('s3cret');

    // rename and change the URL without sending the secret: the signature still verifies with the old secret
    const patched = await h.api('PATCH', `/api/notifications/channels/${created.body.id}`, { body: { name: 'hook', config: { url: `${hook.url}/v2` }, notify_resolved: false } });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ name: 'hook', notify_resolved: false });
    expect(patched.body.secrets_set.sort()).toEqual(['headers', 'secret']);
    expect((await h.api('POST', `/api/notifications/channels/${created.body.id}/test`)).status).toBe(200);
    const d = await hook.waitFor((x) => x.path === '/v2');
    expect(verifySignature('s3cret-hmac', d.rawBody, d.headers['x-homelab-signature'] as string)).toBe(true);
    expect(d.headers['x-api-key']).toBe('header-secret');

    // a secret sent as null is removed
    const cleared = await h.api('PATCH', `/api/notifications/channels/${created.body.id}`, { body: { config: { headers: null } } });
    expect(cleared.body.secrets_set).toEqual(['secret']);

    expect((await h.api('DELETE', `/api/notifications/channels/${created.body.id}`)).status).toBe(204);
    expect((await h.api('GET', `/api/notifications/channels/${created.body.id}`)).status).toBe(404);
    expect((await h.api('DELETE', `/api/notifications/channels/${created.body.id}`)).status).toBe(404);
  });

  it('refuses an invalid config, an unknown kind, a taken name, and non-admins', async () => {
    const bad = await h.api('POST', '/api/notifications/channels', { body: { name: 'x', kind: 'ntfy', config: { topic: 'not a topic!' } } });
    expect(bad.status).toBe(422);
    expect(bad.body.error).toBe('invalid_channel_config');
    expect(bad.body.message).toContain('/topic');
    expect((await h.api('POST', '/api/notifications/channels', { body: { name: 'x', kind: 'pager', config: {} } })).body.error).toBe('invalid_channel_kind');
    const ok = await h.api('POST', '/api/notifications/channels', { body: { name: 'dup', kind: 'ntfy', config: {} } });
    expect(ok.status).toBe(201);
    expect(ok.body.config).toMatchObject({ server_url: 'https://ntfy.sh', topic: 'homelab-docker' }); // defaults filled
    const dup = await h.api('POST', '/api/notifications/channels', { body: { name: 'dup', kind: 'ntfy', config: {} } });
    expect(dup.status).toBe(409);
    expect(dup.body.error).toBe('channel_name_taken');
    for (const role of ['viewer', 'operator'] as const) {
      expect((await h.api('GET', '/api/notifications/channels', { role })).status).toBe(403);
      expect((await h.api('POST', `/api/notifications/channels/${ok.body.id}/test`, { role })).status).toBe(403);
    }
    expect((await h.api('GET', '/api/notifications/channels', { role: null })).status).toBe(401);
  });

  it('answers 502 with the service error when the test message fails, and shows it on the channel', async () => {
    const c = await h.api('POST', '/api/notifications/channels', { body: { name: 'wrong token', kind: 'ntfy', config: { server_url: ntfy.url, topic: 'lab-topic', token: 'tk_wrong' } } });
    const r = await h.api('POST', `/api/notifications/channels/${c.body.id}/test`);
    expect(r.status).toBe(502);
    expect(r.body).toEqual({ error: 'notify_failed', message: 'ntfy: HTTP 401: unauthorized' });
    const after = (await h.api('GET', `/api/notifications/channels/${c.body.id}`)).body;
    expect(after).toMatchObject({ last_error: 'ntfy: HTTP 401: unauthorized', last_success_at: null });
  });

  it('lists every kind with its fields and which are secret', async () => {
    const r = await h.api('GET', '/api/notifications/kinds', { role: 'viewer' });
    expect(r.status).toBe(200);
    const kinds = Object.fromEntries(r.body.kinds.map((k: any) => [k.kind, k]));
    expect(Object.keys(kinds).sort()).toEqual(['apprise', 'discord', 'email', 'gotify', 'ntfy', 'slack', 'telegram', 'webhook']);
    const token = kinds.ntfy.fields.find((f: any) => f.name === 'token');
    expect(token).toMatchObject({ secret: true, required: false, type: 'string' });
    expect(kinds.ntfy.fields.find((f: any) => f.name === 'topic')).toMatchObject({ secret: false, default: 'homelab-docker' });
    expect(kinds.telegram.fields.find((f: any) => f.name === 'bot_token').secret).toBe(true);
  });
});

describe('min_severity and notify_resolved', () => {
  it('sends a channel only what reaches its minimum severity, and no resolved message when it is off', async () => {
    const hostId = await h.addHost('lab-s');
    const strict = await h.api('POST', '/api/notifications/channels', { body: { name: 'errors only', kind: 'webhook', config: { url: `${hook.url}/strict`, secret: 's3cret-hmac' }, min_severity: 'error', notify_resolved: false } });
    expect(strict.status).toBe(201);
    h.docker.set(hostId, 'sev');
    h.docker.set(hostId, 'sev', { health: 'unhealthy' }); // warning
    h.docker.set(hostId, 'sev', { health: 'healthy', state: 'exited' }); // error
    const got = await hook.waitFor((x) => x.path === '/strict' && (x.json as any)?.alert?.rule === 'container_down');
    expect((got.json as any).severity).toBe('error');
    h.docker.set(hostId, 'sev', { state: 'running' });
    await ntfy.waitFor((x) => x.title?.startsWith('✅') === true && x.message.startsWith('sev:') && x.message.includes('expected running'));
    await hook.messages.noneWithin(1_000, (x) => x.path === '/strict' && (x.json as any)?.event === 'alert_resolved');
    expect(hook.messages.count((x) => x.path === '/strict' && (x.json as any)?.alert?.rule === 'container_unhealthy')).toBe(0);
  });
});
