import { header, startServiceReceiver, type ServiceReceiver } from './http.js';

/**
 * A Gotify server's `POST /message`: the application token in X-Gotify-Key, `?token=` or `Authorization: Bearer`;
 * answers the created message {id, appid, message, title, priority, date, extras}, and errors as Gotify does:
 * {"error":"Unauthorized","errorCode":401,"errorDescription":"..."}.
 */
export interface GotifyMessage {
  token: string;
  title?: string;
  message: string;
  priority?: number;
  extras?: Record<string, unknown>;
  receivedAt: number;
}

export type GotifyReceiver = ServiceReceiver<GotifyMessage>;

const gotifyError = (status: number, error: string, errorDescription: string) => ({
  status,
  body: { error, errorCode: status, errorDescription },
});

export function startGotifyReceiver(options: { appToken?: string } = {}): Promise<GotifyReceiver> {
  const appToken = options.appToken ?? 'AgotifyAppToken';
  let nextId = 1;
  return startServiceReceiver<GotifyMessage>((req, accept) => {
    if (req.path !== '/message' || req.method !== 'POST') return gotifyError(404, 'Not Found', 'page not found');
    const bearer = header(req.headers, 'authorization')?.replace(/^Bearer /, '');
    const token = header(req.headers, 'x-gotify-key') ?? req.query.get('token') ?? bearer;
    if (token !== appToken) {
      return gotifyError(401, 'Unauthorized', 'you need to provide a valid access token or user credentials to access this api');
    }
    const m = req.json as Record<string, unknown> | undefined;
    if (!m || typeof m.message !== 'string' || m.message === '') {
      return gotifyError(400, 'Bad Request', "Field 'message' is required");
    }
    if (m.priority !== undefined && !Number.isInteger(m.priority)) {
      return gotifyError(400, 'Bad Request', "Field 'priority' must be an integer");
    }
    const message: GotifyMessage = {
      token,
      title: m.title as string | undefined,
      message: m.message,
      priority: m.priority as number | undefined,
      extras: m.extras as Record<string, unknown> | undefined,
      receivedAt: req.receivedAt,
    };
    accept(message);
    return {
      status: 200,
      body: {
        id: nextId++,
        appid: 1,
        message: message.message,
        title: message.title ?? 'app',
        priority: message.priority ?? 0,
        date: new Date(req.receivedAt).toISOString(),
        ...(message.extras ? { extras: message.extras } : {}),
      },
    };
  });
}
