import { Type, type Static } from '@sinclair/typebox';
import { NotifyError } from './errors.js';
import { truncate } from './format.js';
import { HttpUrl, jsonField, sendHttp, trimSlash } from './http.js';
import type { ChannelDefinition, NotificationMessage, Notifier, NotifierDeps } from './notifier.js';

export const TelegramConfig = Type.Object(
  {
    bot_token: Type.String({ minLength: 1, description: 'token from @BotFather, 123456:ABC...' }),
    chat_id: Type.Union([Type.Integer(), Type.String({ minLength: 1 })], { description: 'chat id or @channelname' }),
    api_base_url: Type.Optional(HttpUrl({ default: 'https://api.telegram.org' })),
  },
  { additionalProperties: false },
);
export type TelegramConfig = Static<typeof TelegramConfig>;

/** Telegram's HTML parse mode only needs these three escaped. */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Bot API sendMessage, HTML-formatted. The token is part of the URL, so errors never quote the URL. */
export class TelegramNotifier implements Notifier {
  readonly kind = 'telegram' as const;

  constructor(
    private readonly config: TelegramConfig,
    private readonly deps: NotifierDeps,
  ) {}

  async send(msg: NotificationMessage, signal: AbortSignal): Promise<void> {
    const lines = [`<b>${escapeHtml(msg.title)}</b>`, escapeHtml(msg.body)];
    if (msg.url) lines.push(`<a href="${escapeHtml(msg.url)}">Open the dashboard</a>`);
    const base = trimSlash(this.config.api_base_url ?? 'https://api.telegram.org');
    const answer = await sendHttp({
      channel: this.kind,
      deps: this.deps,
      signal,
      url: `${base}/bot${this.config.bot_token}/sendMessage`,
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        chat_id: this.config.chat_id,
        // a message is at most 4096 characters
        text: truncate(lines.join('\n'), 4096),
        parse_mode: 'HTML',
        link_preview_options: { is_disabled: true },
      }),
      // Telegram errors are {"ok":false,"error_code":401,"description":"Unauthorized"}
      errorText: (body) => jsonField(body, 'description'),
    });
    // the Bot API documents {ok:false} as its error shape; do not trust a 2xx alone
    let ok: unknown;
    try {
      ok = (JSON.parse(answer.body) as { ok?: unknown }).ok;
    } catch (err) {
      throw new NotifyError(this.kind, 'answer is not JSON', { status: answer.status, retryable: true, cause: err });
    }
    if (ok !== true) {
      const text = jsonField(answer.body, 'description') ?? 'ok is not true';
      throw new NotifyError(this.kind, text, { status: answer.status, retryable: false });
    }
  }
}

export const telegramChannel: ChannelDefinition<TelegramConfig> = {
  kind: 'telegram',
  label: 'Telegram',
  configSchema: TelegramConfig,
  secretFields: ['bot_token'],
  create: (config, deps) => new TelegramNotifier(config, deps),
};
