import { startServiceReceiver, type ServiceReceiver } from './http.js';

/**
 * A Slack incoming webhook: `POST /services/<T>/<B>/<secret>` with {text, blocks?}. Answers 200 "ok" as text, and
 * errors as Slack does, as plain text: 403 invalid_token, 404 no_service, 400 no_text / invalid_payload.
 */
export interface SlackMessage {
  text?: string;
  blocks?: Array<Record<string, unknown>>;
  receivedAt: number;
}

export interface SlackReceiver extends ServiceReceiver<SlackMessage> {
  webhookUrl: string;
}

export async function startSlackReceiver(options: { secret?: string } = {}): Promise<SlackReceiver> {
  const secret = options.secret ?? 'slackSecretXXXXXXXX';
  const base = '/services/T00000000/B00000000';
  const receiver = await startServiceReceiver<SlackMessage>((req, accept) => {
    if (!req.path.startsWith(`${base}/`) || req.method !== 'POST') return { status: 404, body: 'no_service' };
    if (req.path !== `${base}/${secret}`) return { status: 403, body: 'invalid_token' };
    const m = req.json as Record<string, unknown> | undefined;
    if (!m) return { status: 400, body: 'invalid_payload' };
    if (typeof m.text !== 'string' && !Array.isArray(m.blocks)) return { status: 400, body: 'no_text' };
    accept({
      text: m.text as string | undefined,
      blocks: m.blocks as SlackMessage['blocks'],
      receivedAt: req.receivedAt,
    });
    return { status: 200, body: 'ok' };
  });
  return Object.assign(receiver, { webhookUrl: `${receiver.url}${base}/${secret}` });
}
