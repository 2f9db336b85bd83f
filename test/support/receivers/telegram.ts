import { startServiceReceiver, type ServiceReceiver } from './http.js';

/**
 * The Telegram Bot API's `POST /bot<token>/sendMessage`. Answers {ok:true, result:{message_id, date, chat, text}},
 * and errors as the Bot API does: {ok:false, error_code, description} — 401 "Unauthorized" for a bad token,
 * 404 "Not Found" for an unknown method, 400 "Bad Request: chat not found" / "Bad Request: message text is empty".
 */
export interface TelegramMessage {
  chat_id: number | string;
  text: string;
  parse_mode?: string;
  receivedAt: number;
}

export type TelegramReceiver = ServiceReceiver<TelegramMessage>;

const tgError = (error_code: number, description: string) => ({
  status: error_code,
  body: { ok: false, error_code, description },
});

export function startTelegramReceiver(
  options: { botToken?: string; chatIds?: Array<number | string> } = {},
): Promise<TelegramReceiver> {
  const botToken = options.botToken ?? '123456:telegram-bot-token';
  const chats = new Set((options.chatIds ?? [42]).map(String));
  let nextId = 1;
  return startServiceReceiver<TelegramMessage>((req, accept) => {
    const match = /^\/bot([^/]+)\/(\w+)$/.exec(req.path);
    if (!match || match[1] !== botToken) return tgError(401, 'Unauthorized');
    if (match[2] !== 'sendMessage') return tgError(404, 'Not Found');
    const m = req.json as Record<string, unknown> | undefined;
    if (!m || m.chat_id === undefined) return tgError(400, 'Bad Request: chat_id is empty');
    if (!chats.has(String(m.chat_id))) return tgError(400, 'Bad Request: chat not found');
    if (typeof m.text !== 'string' || m.text.trim() === '') return tgError(400, 'Bad Request: message text is empty');
    if (m.text.length > 4096) return tgError(400, 'Bad Request: message is too long');
    const message: TelegramMessage = {
      chat_id: m.chat_id as number | string,
      text: m.text,
      parse_mode: m.parse_mode as string | undefined,
      receivedAt: req.receivedAt,
    };
    accept(message);
    return {
      status: 200,
      body: {
        ok: true,
        result: {
          message_id: nextId++,
          date: Math.floor(req.receivedAt / 1000),
          chat: { id: message.chat_id, type: 'private' },
          // Telegram returns the text with the markup stripped
          text: message.text.replace(/<[^>]+>/g, ''),
        },
      },
    };
  });
}
