/**
 * HTTP client for the dashboard API. Every error becomes an ApiError carrying the server's
 * `{error, message}` (shown to the user as-is) and the original cause.
 * A 401 on an authenticated call asks `onUnauthorized` to get a new token (the login overlay),
 * then retries once: the screen the user was on stays mounted, so re-login resumes where they were.
 */

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ApiError';
  }
}

export interface HttpClientOptions {
  /** Prefix of every path ('' for same origin). */
  baseUrl?: string;
  getToken: () => string | null;
  /** Resolves once the user has logged in again; rejects if they give up. */
  onUnauthorized?: () => Promise<void>;
  /** Deadline per request. */
  timeoutMs?: number;
  fetchImpl?: typeof fetch;
}

export type Query = Record<string, string | number | boolean | null | undefined>;

export class HttpClient {
  private readonly baseUrl: string;
  private readonly timeoutMs: number;

  constructor(private readonly opts: HttpClientOptions) {
    this.baseUrl = opts.baseUrl ?? '';
    this.timeoutMs = opts.timeoutMs ?? 30_000;
  }

  get<T>(path: string, query?: Query): Promise<T> {
    return this.request<T>('GET', withQuery(path, query));
  }
  post<T>(path: string, body?: unknown, query?: Query): Promise<T> {
    return this.request<T>('POST', withQuery(path, query), body);
  }
  patch<T>(path: string, body: unknown): Promise<T> {
    return this.request<T>('PATCH', path, body);
  }
  delete<T>(path: string, query?: Query): Promise<T> {
    return this.request<T>('DELETE', withQuery(path, query));
  }

  /** Request without the bearer token and without the 401 retry (login, health). */
  anonymous<T>(method: string, path: string, body?: unknown): Promise<T> {
    return this.send<T>(method, path, body, false);
  }

  /** With the bearer token but without the 401 retry: a call that must not bring the login overlay up (logout). */
  once<T>(method: string, path: string, body?: unknown): Promise<T> {
    return this.send<T>(method, path, body, true);
  }

  async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    try {
      return await this.send<T>(method, path, body, true);
    } catch (err) {
      if (!(err instanceof ApiError) || err.status !== 401 || !this.opts.onUnauthorized) throw err;
      await this.opts.onUnauthorized();
      return this.send<T>(method, path, body, true);
    }
  }

  private async send<T>(method: string, path: string, body: unknown, auth: boolean): Promise<T> {
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const token = auth ? this.opts.getToken() : null;
    if (auth && !token) throw new ApiError(401, 'unauthorized', 'Not logged in');
    if (token) headers.Authorization = `Bearer ${token}`;

    const ctrl = new AbortController();
    const timer = setTimeout(() => ctrl.abort(), this.timeoutMs);
    let res: Response;
    try {
      const doFetch = this.opts.fetchImpl ?? fetch;
      res = await doFetch(this.baseUrl + path, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: ctrl.signal,
      });
    } catch (cause) {
      const timedOut = ctrl.signal.aborted;
      throw new ApiError(
        0,
        timedOut ? 'timeout' : 'network',
        timedOut ? `No answer from the server within ${this.timeoutMs / 1000} s` : 'Cannot reach the server',
        { cause },
      );
    } finally {
      clearTimeout(timer);
    }
    const text = await res.text();
    let data: unknown = undefined;
    if (text) {
      try {
        data = JSON.parse(text);
      } catch (cause) {
        if (res.ok) throw new ApiError(res.status, 'bad_response', 'The server sent an unreadable answer', { cause });
      }
    }
    if (!res.ok) {
      const e = (data ?? {}) as { error?: string; message?: string };
      throw new ApiError(res.status, e.error ?? `http_${res.status}`, e.message ?? (res.statusText || `HTTP ${res.status}`));
    }
    return data as T;
  }
}

export function withQuery(path: string, query?: Query): string {
  if (!query) return path;
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined || v === null || v === '') continue;
    q.set(k, String(v));
  }
  const s = q.toString();
  return s ? `${path}?${s}` : path;
}
