import { describe, expect, it } from 'vitest';
import { NotifyConfigError } from './errors.js';
import { CHANNEL_KINDS } from './notifier.js';
import { channelRegistry, createNotifier, getChannelDefinition, isChannelKind, parseChannelConfig, splitSecrets } from './registry.js';

const deps = { fetch: globalThis.fetch, timeoutMs: 1000 };

describe('channel registry', () => {
  it('has a definition for every kind, filed under its own kind', () => {
    expect(Object.keys(channelRegistry).sort()).toEqual([...CHANNEL_KINDS].sort());
    for (const kind of CHANNEL_KINDS) {
      const def = getChannelDefinition(kind);
      expect(def.kind).toBe(kind);
      expect(def.label).not.toBe('');
      // every declared secret is a real config key, so the API cannot leak one by a typo
      const keys = Object.keys((def.configSchema as unknown as { properties: object }).properties);
      for (const secret of def.secretFields) expect(keys).toContain(secret);
    }
  });

  it('throws loudly on an unknown kind', () => {
    expect(() => getChannelDefinition('pagerduty')).toThrow(NotifyConfigError);
    expect(() => getChannelDefinition('pagerduty')).toThrow(/unknown notification channel kind "pagerduty"/);
    expect(isChannelKind('ntfy')).toBe(true);
    expect(isChannelKind('constructor')).toBe(false);
  });

  it('marks the credentials of each channel as secrets', () => {
    expect(channelRegistry.ntfy.secretFields).toEqual(['token', 'password']);
    expect(channelRegistry.telegram.secretFields).toEqual(['bot_token']);
    expect(channelRegistry.discord.secretFields).toEqual(['webhook_url']);
    expect(channelRegistry.email.secretFields).toEqual(['password']);
  });
});

describe('parseChannelConfig', () => {
  it('fills ntfy defaults: ntfy.sh and the seed topic', () => {
    expect(parseChannelConfig('ntfy', {})).toEqual({ server_url: 'https://ntfy.sh', topic: 'homelab-docker' });
  });

  it('fills e-mail and telegram defaults', () => {
    const email = parseChannelConfig('email', { host: 'mail.lan', from: 'a@b.c', to: ['d@e.f'] });
    expect(email).toMatchObject({ port: 587, secure: false });
    expect(parseChannelConfig('telegram', { bot_token: 't', chat_id: 1 })).toMatchObject({ api_base_url: 'https://api.telegram.org' });
  });

  it('lists every problem without echoing values', () => {
    let error: NotifyConfigError | undefined;
    try {
      parseChannelConfig('ntfy', { topic: 'has spaces', priority: 9, token: '', server_url: 'ftp://x', extra: 'tk_secret' });
    } catch (e) {
      error = e as NotifyConfigError;
    }
    expect(error).toBeInstanceOf(NotifyConfigError);
    const paths = error!.details.map((d) => d.split(':')[0]);
    expect(paths).toEqual(expect.arrayContaining(['/topic', '/priority', '/token', '/server_url', '/extra']));
    expect(error!.message).not.toContain('tk_secret');
  });

  it('refuses an apprise channel with neither key nor URLs when creating it', () => {
    expect(() => createNotifier('apprise', { server_url: 'http://apprise:8000' }, deps)).toThrow(/either a key or urls/);
    expect(createNotifier('apprise', { server_url: 'http://apprise:8000', key: 'homelab' }, deps).kind).toBe('apprise');
  });

  it('does not modify the config it was given', () => {
    const raw = { topic: 'x' };
    parseChannelConfig('ntfy', raw);
    expect(raw).toEqual({ topic: 'x' });
  });

  it('creates a notifier of the right kind for each channel', () => {
    const configs: Record<string, unknown> = {
      ntfy: {},
      webhook: { url: 'http://hook.lan/x' },
      gotify: { server_url: 'http://gotify.lan', app_token: 't' },
      discord: { webhook_url: 'https://discord.com/api/webhooks/1/t' },
      slack: { webhook_url: 'https://hooks.slack.com/services/T/B/x' },
      telegram: { bot_token: '1:x', chat_id: 5 },
      email: { host: 'mail.lan', from: 'a@b.c', to: ['d@e.f'] },
      apprise: { server_url: 'http://apprise.lan', urls: 'json://x' },
    };
    for (const kind of CHANNEL_KINDS) expect(createNotifier(kind, configs[kind], deps).kind).toBe(kind);
  });
});

describe('splitSecrets', () => {
  it('keeps credentials out of what the API may return', () => {
    const split = splitSecrets('ntfy', { server_url: 'https://ntfy.lan', topic: 't', token: 'tk_1', password: '' });
    expect(split.visible).toEqual({ server_url: 'https://ntfy.lan', topic: 't' });
    expect(split.secrets).toEqual({ token: 'tk_1' });
    expect(split.secretKeys).toEqual(['token']);
    expect(JSON.stringify(split.visible)).not.toContain('tk_1');
  });

  it('treats webhook headers and a Telegram bot token as secrets', () => {
    expect(splitSecrets('webhook', { url: 'http://h', headers: { Authorization: 'x' } }).visible).toEqual({ url: 'http://h' });
    expect(splitSecrets('telegram', { bot_token: '1:x', chat_id: 5 }).visible).toEqual({ chat_id: 5 });
  });
});
