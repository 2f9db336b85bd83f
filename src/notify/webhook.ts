import { createHmac } from 'node:crypto';
import { Type, type Static } from '@sinclair/typebox';
import { HttpUrl, sendHttp } from './http.js';
import type { ChannelDefinition, NotificationMessage, Notifier, NotifierDeps } from './notifier.js';

export const SIGNATURE_HEADER = 'X-Homelab-Signature';

export const WebhookConfig = Type.Object(
  {
    url: HttpUrl(),
    method: Type.Optional(Type.Union([Type.Literal('POST'), Type.Literal('PUT')], { default: 'POST' })),
    headers: Type.Optional(Type.Record(Type.String({ minLength: 1 }), Type.String(), { description: 'extra request headers' })),
    secret: Type.Optional(Type.String({ minLength: 1, description: `signs the body: ${SIGNATURE_HEADER}: sha256=<hex HMAC>` })),
  },
  { additionalProperties: false },
);
export type WebhookConfig = Static<typeof WebhookConfig>;

/** The signature header value for a raw body: what a receiver recomputes to trust the sender. */
export function signBody(secret: string, rawBody: string | Buffer): string {
  return `sha256=${createHmac('sha256', secret).update(rawBody).digest('hex')}`;
}

/** Generic JSON webhook: the message as-is plus `sent_at`, optionally HMAC-signed over the exact bytes sent. */
export class WebhookNotifier implements Notifier {
  readonly kind = 'webhook' as const;

  constructor(
    private readonly config: WebhookConfig,
    private readonly deps: NotifierDeps,
  ) {}

  async send(msg: NotificationMessage, signal: AbortSignal): Promise<void> {
    const body = JSON.stringify({
      event: msg.event,
      title: msg.title,
      body: msg.body,
      severity: msg.severity,
      tags: msg.tags,
      url: msg.url ?? null,
      alert: msg.alert ?? null,
      sent_at: new Date().toISOString(),
    });
    const headers: Record<string, string> = {
      ...this.config.headers,
      'Content-Type': 'application/json',
      'User-Agent': 'homelab-dashboard',
      'X-Homelab-Event': msg.event,
    };
    if (this.config.secret) headers[SIGNATURE_HEADER] = signBody(this.config.secret, body);
    await sendHttp({
      channel: this.kind,
      deps: this.deps,
      signal,
      url: this.config.url,
      method: this.config.method ?? 'POST',
      headers,
      body,
    });
  }
}

export const webhookChannel: ChannelDefinition<WebhookConfig> = {
  kind: 'webhook',
  label: 'Webhook',
  configSchema: WebhookConfig,
  // headers often carry an Authorization value, so they are treated as a secret as a whole
  secretFields: ['secret', 'headers'],
  create: (config, deps) => new WebhookNotifier(config, deps),
};
