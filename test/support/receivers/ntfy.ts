import { randomBytes } from 'node:crypto';
import { header, type ServiceReceiver, startServiceReceiver, type RecordedRequest, type Reply } from './http.js';

/**
 * A stand-in for an ntfy server's publish API (ntfy is not packaged in Debian), answering and validating as ntfy does
 * (server/server.go, server/errors.go in binwiederhier/ntfy):
 *  - `POST|PUT /<topic>`: body = message; title/priority/tags/click from X-Title|Title|ti|t, X-Priority|Priority|prio|p,
 *    X-Tags|Tags|tag|ta, X-Click|Click (or the same names as query parameters);
 *  - `POST|PUT /` with JSON {topic, message, title, priority, tags, click};
 *  - errors as {code, http, error, link}: 40009 topic invalid, 40007 priority invalid, 40017 JSON invalid,
 *    40101 unauthorized (wrong credentials), 40301 forbidden (none, when the receiver requires auth);
 *  - success: {id, time, expires, event: "message", topic, title, message, priority, tags, click}.
 */

export interface NtfyMessage {
  topic: string;
  title?: string;
  message: string;
  /** 1..5; 3 when the publisher set none */
  priority: number;
  tags: string[];
  click?: string;
  /** how it was published */
  via: 'json' | 'headers';
  /** the Authorization header as received */
  authorization?: string;
  receivedAt: number;
}

export interface NtfyReceiverOptions {
  /** require `Authorization: Bearer <token>` */
  token?: string;
  /** require Basic auth with these credentials (accepted besides the token) */
  username?: string;
  password?: string;
}

export type NtfyReceiver = ServiceReceiver<NtfyMessage>;

const TOPIC = /^[-_A-Za-z0-9]{1,64}$/;
const PRIORITY_NAMES: Record<string, number> = { min: 1, low: 2, default: 3, high: 4, max: 5, urgent: 5 };

const err = (code: number, http: number, error: string, link?: string): Reply => ({
  status: http,
  body: { code, http, error, ...(link ? { link } : {}) },
});
const TOPIC_INVALID = err(40009, 400, 'invalid request: topic invalid');
const PRIORITY_INVALID = err(40007, 400, 'invalid priority parameter', 'https://ntfy.sh/docs/publish/#message-priority');
const JSON_INVALID = err(40017, 400, 'invalid request: request body must be message JSON', 'https://ntfy.sh/docs/publish/#publish-as-json');
const UNAUTHORIZED = err(40101, 401, 'unauthorized', 'https://ntfy.sh/docs/publish/#authentication');
const FORBIDDEN = err(40301, 403, 'forbidden', 'https://ntfy.sh/docs/publish/#authentication');
const NOT_FOUND = err(40401, 404, 'page not found');

export async function startNtfyReceiver(options: NtfyReceiverOptions = {}): Promise<NtfyReceiver> {
  return startServiceReceiver<NtfyMessage>((req, accept) => {
    if (req.method !== 'POST' && req.method !== 'PUT') return NOT_FOUND;
    const auth = checkAuth(req, options);
    if (auth) return auth;
    const parsed = req.path === '/' ? fromJson(req) : fromHeaders(req);
    if ('status' in parsed) return parsed;
    const { setPriority, ...message } = parsed;
    accept(message);
    const time = Math.floor(parsed.receivedAt / 1000);
    return {
      status: 200,
      body: {
        id: randomBytes(6).toString('hex'),
        time,
        expires: time + 12 * 3600,
        event: 'message',
        topic: parsed.topic,
        ...(parsed.title !== undefined ? { title: parsed.title } : {}),
        message: parsed.message,
        ...(parsed.setPriority ? { priority: parsed.priority } : {}),
        ...(parsed.tags.length ? { tags: parsed.tags } : {}),
        ...(parsed.click ? { click: parsed.click } : {}),
      },
    };
  });
}

function checkAuth(req: RecordedRequest, options: NtfyReceiverOptions): Reply | null {
  if (!options.token && !options.username) return null;
  const given = header(req.headers, 'authorization');
  if (!given) return FORBIDDEN; // anonymous access denied
  const ok =
    (options.token !== undefined && given === `Bearer ${options.token}`) ||
    (options.username !== undefined &&
      given === `Basic ${Buffer.from(`${options.username}:${options.password ?? ''}`).toString('base64')}`);
  return ok ? null : UNAUTHORIZED;
}

/** 0 when the publisher set none (ntfy then omits it from its answer), 1..5, or null when invalid. */
function parsePriority(value: unknown): number | null {
  if (value === undefined || value === null || value === '' || value === 0) return 0;
  if (typeof value === 'number') return Number.isInteger(value) && value >= 1 && value <= 5 ? value : null;
  if (typeof value !== 'string') return null;
  const named = PRIORITY_NAMES[value.toLowerCase()];
  if (named) return named;
  const n = Number(value);
  return Number.isInteger(n) && n >= 1 && n <= 5 ? n : null;
}

type Parsed = NtfyMessage & { setPriority: boolean };

function fromJson(req: RecordedRequest): Parsed | Reply {
  const body = req.json;
  if (!body || typeof body !== 'object' || Array.isArray(body)) return JSON_INVALID;
  const m = body as Record<string, unknown>;
  if (typeof m.topic !== 'string' || !TOPIC.test(m.topic)) return TOPIC_INVALID;
  const priority = parsePriority(m.priority);
  if (priority === null) return PRIORITY_INVALID;
  if (m.tags !== undefined && (!Array.isArray(m.tags) || m.tags.some((t) => typeof t !== 'string'))) return JSON_INVALID;
  for (const key of ['message', 'title', 'click'] as const) {
    if (m[key] !== undefined && typeof m[key] !== 'string') return JSON_INVALID;
  }
  return {
    topic: m.topic,
    title: m.title as string | undefined,
    // ntfy substitutes "triggered" for an empty message
    message: (m.message as string | undefined) || 'triggered',
    priority: priority || 3,
    setPriority: priority !== 0,
    tags: (m.tags as string[] | undefined) ?? [],
    click: m.click as string | undefined,
    via: 'json',
    authorization: header(req.headers, 'authorization'),
    receivedAt: req.receivedAt,
  };
}

function fromHeaders(req: RecordedRequest): Parsed | Reply {
  const topic = req.path.slice(1);
  if (!TOPIC.test(topic)) return TOPIC_INVALID;
  const param = (...names: string[]): string | undefined => {
    const fromHeader = header(req.headers, ...names.flatMap((n) => [`x-${n}`, n]));
    if (fromHeader !== undefined) return fromHeader;
    for (const n of names) {
      const q = req.query.get(n);
      if (q !== null) return q;
    }
    return undefined;
  };
  const priority = parsePriority(param('priority', 'prio', 'p'));
  if (priority === null) return PRIORITY_INVALID;
  const tags = param('tags', 'tag', 'ta');
  return {
    topic,
    title: param('title', 'ti', 't'),
    message: req.text || 'triggered',
    priority: priority || 3,
    setPriority: priority !== 0,
    tags: tags ? tags.split(',').map((t) => t.trim()).filter(Boolean) : [],
    click: param('click'),
    via: 'headers',
    authorization: header(req.headers, 'authorization'),
    receivedAt: req.receivedAt,
  };
}
