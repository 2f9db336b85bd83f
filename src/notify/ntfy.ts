import { Type, type Static } from '@sinclair/typebox';
import { ntfyPriorityFor } from './format.js';
import { HttpUrl, basicAuth, jsonField, sendHttp, trimSlash } from './http.js';
import type { ChannelDefinition, NotificationMessage, Notifier, NotifierDeps } from './notifier.js';

/** ntfy's own topic grammar (server/server.go topicRegex): the server answers 400 for anything else. */
export const NTFY_TOPIC_PATTERN = '^[-_A-Za-z0-9]{1,64}$';

export const NtfyConfig = Type.Object(
  {
    server_url: HttpUrl({ default: 'https://ntfy.sh', description: 'ntfy server, e.g. https://ntfy.sh' }),
    topic: Type.String({ pattern: NTFY_TOPIC_PATTERN, default: 'homelab-docker' }),
    token: Type.Optional(Type.String({ minLength: 1, description: 'access token (tk_...), sent as Bearer' })),
    username: Type.Optional(Type.String({ minLength: 1 })),
    password: Type.Optional(Type.String({ minLength: 1 })),
    priority: Type.Optional(Type.Integer({ minimum: 1, maximum: 5, description: 'fixed priority for alerts' })),
    tags: Type.Optional(Type.Array(Type.String({ minLength: 1 }), { description: 'tags added to every message' })),
  },
  { additionalProperties: false },
);
export type NtfyConfig = Static<typeof NtfyConfig>;

/** Publishes with ntfy's JSON API (`POST <server>/` with the topic in the body), so the emoji title needs no header encoding. */
export class NtfyNotifier implements Notifier {
  readonly kind = 'ntfy' as const;

  constructor(
    private readonly config: NtfyConfig,
    private readonly deps: NotifierDeps,
  ) {}

  async send(msg: NotificationMessage, signal: AbortSignal): Promise<void> {
    const { config } = this;
    const headers: Record<string, string> = { 'Content-Type': 'application/json' };
    if (config.token) headers.Authorization = `Bearer ${config.token}`;
    else if (config.username && config.password) headers.Authorization = basicAuth(config.username, config.password);
    const payload = {
      topic: config.topic ?? 'homelab-docker',
      title: msg.title,
      message: msg.body,
      priority: ntfyPriorityFor(msg, config.priority),
      tags: [...new Set([...msg.tags, ...(config.tags ?? [])])],
      ...(msg.url ? { click: msg.url } : {}),
    };
    await sendHttp({
      channel: this.kind,
      deps: this.deps,
      signal,
      url: `${trimSlash(config.server_url ?? 'https://ntfy.sh')}/`,
      headers,
      body: JSON.stringify(payload),
      // ntfy errors are {"code":40101,"http":401,"error":"unauthorized","link":...}
      errorText: (body) => jsonField(body, 'error'),
    });
  }
}

export const ntfyChannel: ChannelDefinition<NtfyConfig> = {
  kind: 'ntfy',
  label: 'ntfy',
  configSchema: NtfyConfig,
  secretFields: ['token', 'password'],
  create: (config, deps) => new NtfyNotifier(config, deps),
};
