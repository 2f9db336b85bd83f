import { Type, type Static } from '@sinclair/typebox';
import { gotifyPriorityFor } from './format.js';
import { HttpUrl, jsonField, sendHttp, trimSlash } from './http.js';
import type { ChannelDefinition, NotificationMessage, Notifier, NotifierDeps } from './notifier.js';

export const GotifyConfig = Type.Object(
  {
    server_url: HttpUrl({ description: 'Gotify server, e.g. https://gotify.example.lan' }),
    app_token: Type.String({ minLength: 1, description: 'token of a Gotify application' }),
  },
  { additionalProperties: false },
);
export type GotifyConfig = Static<typeof GotifyConfig>;

/** `POST /message` with the application token in X-Gotify-Key (kept out of the URL and so out of proxy logs). */
export class GotifyNotifier implements Notifier {
  readonly kind = 'gotify' as const;

  constructor(
    private readonly config: GotifyConfig,
    private readonly deps: NotifierDeps,
  ) {}

  async send(msg: NotificationMessage, signal: AbortSignal): Promise<void> {
    const payload = {
      title: msg.title,
      message: msg.body,
      priority: gotifyPriorityFor(msg),
      ...(msg.url ? { extras: { 'client::notification': { click: { url: msg.url } } } } : {}),
    };
    await sendHttp({
      channel: this.kind,
      deps: this.deps,
      signal,
      url: `${trimSlash(this.config.server_url)}/message`,
      headers: { 'Content-Type': 'application/json', 'X-Gotify-Key': this.config.app_token },
      body: JSON.stringify(payload),
      // Gotify errors are {"error":"Unauthorized","errorCode":401,"errorDescription":"..."}
      errorText: (body) => jsonField(body, 'errorDescription') ?? jsonField(body, 'error'),
    });
  }
}

export const gotifyChannel: ChannelDefinition<GotifyConfig> = {
  kind: 'gotify',
  label: 'Gotify',
  configSchema: GotifyConfig,
  secretFields: ['app_token'],
  create: (config, deps) => new GotifyNotifier(config, deps),
};
