import { startServiceReceiver, type ServiceReceiver } from './http.js';

/**
 * An Apprise API server: `POST /notify/<key>` (URLs stored under the key) or stateless `POST /notify` with `urls`.
 * Payload {title?, body, type: info|success|warning|failure, tag?, format?}. Answers 200 "Notification(s) sent.",
 * 204 for a key with no configuration, 400 {"error": ...} for a bad payload, as apprise-api does.
 */
export interface AppriseMessage {
  key: string | null;
  urls?: string;
  title?: string;
  body: string;
  type: string;
  tag?: string;
  format?: string;
  receivedAt: number;
}

export type AppriseReceiver = ServiceReceiver<AppriseMessage>;

const TYPES = new Set(['info', 'success', 'warning', 'failure']);

export function startAppriseReceiver(options: { keys?: string[] } = {}): Promise<AppriseReceiver> {
  const keys = new Set(options.keys ?? ['homelab']);
  return startServiceReceiver<AppriseMessage>((req, accept) => {
    const match = /^\/notify(?:\/([^/]+))?\/?$/.exec(req.path);
    if (!match || req.method !== 'POST') return { status: 404, body: { error: 'Not found' } };
    const key = match[1] ?? null;
    const m = req.json as Record<string, unknown> | undefined;
    if (!m || typeof m.body !== 'string' || m.body === '') {
      return { status: 400, body: { error: 'Payload lacks minimum requirements.' } };
    }
    if (m.type !== undefined && !TYPES.has(m.type as string)) {
      return { status: 400, body: { error: 'An invalid payload was specified.' } };
    }
    if (key === null && (typeof m.urls !== 'string' || m.urls.trim() === '')) {
      return { status: 400, body: { error: 'Payload lacks minimum requirements.' } };
    }
    if (key !== null && !keys.has(key)) return { status: 204 };
    accept({
      key,
      urls: m.urls as string | undefined,
      title: m.title as string | undefined,
      body: m.body,
      type: (m.type as string | undefined) ?? 'info',
      tag: m.tag as string | undefined,
      format: m.format as string | undefined,
      receivedAt: req.receivedAt,
    });
    return { status: 200, body: 'Notification(s) sent.' };
  });
}
