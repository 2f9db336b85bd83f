import { startServiceReceiver, type ServiceReceiver } from './http.js';

/**
 * A Discord webhook: `POST /api/webhooks/<id>/<token>` with {content?, username?, embeds?}. Answers 204 (or the
 * message with `?wait=true`), and errors as Discord does: 401 {"message":"Invalid Webhook Token","code":50027},
 * 404 {"message":"Unknown Webhook","code":10015}, 400 {"message":"Cannot send an empty message","code":50006}.
 */
export interface DiscordEmbed {
  title?: string;
  description?: string;
  color?: number;
  url?: string;
  timestamp?: string;
  footer?: { text: string };
}

export interface DiscordMessage {
  username?: string;
  content?: string;
  embeds: DiscordEmbed[];
  receivedAt: number;
}

export interface DiscordReceiver extends ServiceReceiver<DiscordMessage> {
  /** the webhook URL to configure, with the valid token */
  webhookUrl: string;
}

export async function startDiscordReceiver(options: { id?: string; token?: string } = {}): Promise<DiscordReceiver> {
  const id = options.id ?? '1234567890';
  const token = options.token ?? 'discord-webhook-token';
  const receiver = await startServiceReceiver<DiscordMessage>((req, accept) => {
    const match = /^\/api\/webhooks\/([^/]+)\/([^/]+)$/.exec(req.path);
    if (!match || match[1] !== id) return { status: 404, body: { message: 'Unknown Webhook', code: 10015 } };
    if (match[2] !== token) return { status: 401, body: { message: 'Invalid Webhook Token', code: 50027 } };
    if (req.method !== 'POST') return { status: 405, body: { message: '405: Method Not Allowed', code: 0 } };
    const m = req.json as Record<string, unknown> | undefined;
    const embeds = Array.isArray(m?.embeds) ? (m.embeds as DiscordEmbed[]) : [];
    if (!m || (!m.content && embeds.length === 0)) {
      return { status: 400, body: { message: 'Cannot send an empty message', code: 50006 } };
    }
    const message: DiscordMessage = {
      username: m.username as string | undefined,
      content: m.content as string | undefined,
      embeds,
      receivedAt: req.receivedAt,
    };
    accept(message);
    if (req.query.get('wait') === 'true') {
      return { status: 200, body: { id: String(req.receivedAt), webhook_id: id, content: message.content ?? '', embeds } };
    }
    return { status: 204 };
  });
  return Object.assign(receiver, { webhookUrl: `${receiver.url}/api/webhooks/${id}/${token}` });
}
