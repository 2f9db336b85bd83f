import { Type, type Static } from '@sinclair/typebox';
import { colorFor, truncate } from './format.js';
import { HttpUrl, jsonField, sendHttp } from './http.js';
import type { ChannelDefinition, NotificationMessage, Notifier, NotifierDeps } from './notifier.js';

export const DiscordConfig = Type.Object(
  {
    webhook_url: HttpUrl({ description: 'https://discord.com/api/webhooks/<id>/<token>' }),
  },
  { additionalProperties: false },
);
export type DiscordConfig = Static<typeof DiscordConfig>;

/** One embed per message, coloured by severity (green once resolved). Discord answers 204 without `?wait=true`. */
export class DiscordNotifier implements Notifier {
  readonly kind = 'discord' as const;

  constructor(
    private readonly config: DiscordConfig,
    private readonly deps: NotifierDeps,
  ) {}

  async send(msg: NotificationMessage, signal: AbortSignal): Promise<void> {
    const embed = {
      // Discord's limits: title 256, description 4096 characters
      title: truncate(msg.title, 256),
      description: truncate(msg.body, 4096),
      color: colorFor(msg),
      timestamp: new Date().toISOString(),
      ...(msg.url ? { url: msg.url } : {}),
      footer: { text: msg.alert ? `${msg.alert.rule} · ${msg.alert.target}` : 'Homelab Dashboard' },
    };
    await sendHttp({
      channel: this.kind,
      deps: this.deps,
      signal,
      url: this.config.webhook_url,
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ username: 'Homelab Dashboard', embeds: [embed] }),
      // Discord errors are {"message":"Invalid Webhook Token","code":50027}
      errorText: (body) => jsonField(body, 'message'),
    });
  }
}

export const discordChannel: ChannelDefinition<DiscordConfig> = {
  kind: 'discord',
  label: 'Discord',
  configSchema: DiscordConfig,
  // the webhook URL embeds its token: whoever has it can post
  secretFields: ['webhook_url'],
  create: (config, deps) => new DiscordNotifier(config, deps),
};
