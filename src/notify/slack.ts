import { Type, type Static } from '@sinclair/typebox';
import { plainText, truncate } from './format.js';
import { HttpUrl, excerpt, sendHttp } from './http.js';
import type { ChannelDefinition, NotificationMessage, Notifier, NotifierDeps } from './notifier.js';

export const SlackConfig = Type.Object(
  {
    webhook_url: HttpUrl({ description: 'incoming webhook, https://hooks.slack.com/services/...' }),
  },
  { additionalProperties: false },
);
export type SlackConfig = Static<typeof SlackConfig>;

/** Slack's mrkdwn treats &, < and > as markup; anything else is shown as typed. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Incoming webhook: `text` (used by notifications and old clients) plus header/section blocks. Slack answers "ok". */
export class SlackNotifier implements Notifier {
  readonly kind = 'slack' as const;

  constructor(
    private readonly config: SlackConfig,
    private readonly deps: NotifierDeps,
  ) {}

  async send(msg: NotificationMessage, signal: AbortSignal): Promise<void> {
    const blocks: unknown[] = [
      // header blocks take plain text up to 150 characters
      { type: 'header', text: { type: 'plain_text', text: truncate(msg.title, 150), emoji: true } },
      { type: 'section', text: { type: 'mrkdwn', text: truncate(escapeMrkdwn(plainText({ ...msg, url: undefined })), 3000) } },
    ];
    if (msg.url) {
      blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: `<${msg.url}|Open the dashboard>` }] });
    }
    await sendHttp({
      channel: this.kind,
      deps: this.deps,
      signal,
      url: this.config.webhook_url,
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ text: `${msg.title}\n${msg.body}`, blocks }),
      // Slack errors are short plain-text codes: invalid_token, no_service, invalid_payload...
      errorText: (body) => excerpt(body) || undefined,
    });
  }
}

export const slackChannel: ChannelDefinition<SlackConfig> = {
  kind: 'slack',
  label: 'Slack',
  configSchema: SlackConfig,
  secretFields: ['webhook_url'],
  create: (config, deps) => new SlackNotifier(config, deps),
};
