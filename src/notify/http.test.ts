import { describe, expect, it } from 'vitest';
import { NotifyError, isRetryableStatus } from './errors.js';
import { excerpt, jsonField, sendHttp } from './http.js';

/** A fetch that answers from memory, to pin the error mapping without a server (the integration tests use real ones). */
const answering = (status: number, body: string): typeof fetch =>
  (async () => new Response(status === 204 ? null : body, { status })) as typeof fetch;

const call = (fetchImpl: typeof fetch, extra: Partial<Parameters<typeof sendHttp>[0]> = {}) =>
  sendHttp({
    channel: 'webhook',
    deps: { fetch: fetchImpl, timeoutMs: 1000 },
    signal: new AbortController().signal,
    url: 'http://secret-token@hook.lan/abc',
    body: '{}',
    ...extra,
  });

describe('sendHttp', () => {
  it('returns status and body on 2xx', async () => {
    await expect(call(answering(201, 'created'))).resolves.toEqual({ status: 201, body: 'created' });
  });

  it('turns 4xx into a non-retryable error and 5xx/429/408 into retryable ones', async () => {
    for (const [status, retryable] of [[400, false], [401, false], [404, false], [408, true], [429, true], [500, true], [503, true]] as const) {
      const err = await call(answering(status, 'nope')).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(NotifyError);
      expect(err).toMatchObject({ status, retryable, channel: 'webhook', message: `webhook: HTTP ${status}: nope` });
      expect(isRetryableStatus(status)).toBe(retryable);
    }
  });

  it('treats a redirect as a failure rather than following it with another method', async () => {
    const err = await call(answering(302, '')).catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 302, retryable: false, message: 'webhook: HTTP 302: empty answer' });
  });

  it('prefers the service’s own error text, and never quotes the URL', async () => {
    const err = (await call(answering(403, '{"error":"forbidden"}'), { errorText: (b) => jsonField(b, 'error') }).catch(
      (e: unknown) => e,
    )) as NotifyError;
    expect(err.message).toBe('webhook: HTTP 403: forbidden');
    const net = (await call((async () => {
      throw new TypeError('fetch failed', { cause: Object.assign(new Error('getaddrinfo ENOTFOUND hook.lan'), { code: 'ENOTFOUND' }) });
    }) as typeof fetch).catch((e: unknown) => e)) as NotifyError;
    expect(net).toMatchObject({ retryable: true, message: 'webhook: request failed: ENOTFOUND (getaddrinfo ENOTFOUND hook.lan)' });
    expect(net.cause).toBeInstanceOf(TypeError);
    expect(net.message).not.toContain('secret-token');
  });

  it('honours a channel’s own idea of retryable statuses', async () => {
    const err = await call(answering(424, 'partial'), { retryableStatus: (s) => s === 424 }).catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 424, retryable: true });
  });
});

describe('excerpt and jsonField', () => {
  it('flattens and shortens long bodies', () => {
    expect(excerpt('  a\n\n b  ')).toBe('a b');
    expect(excerpt('x'.repeat(400))).toHaveLength(301);
  });
  it('reads nested string fields and ignores everything else', () => {
    expect(jsonField('{"a":{"b":"c"}}', 'a', 'b')).toBe('c');
    expect(jsonField('{"a":1}', 'a')).toBeUndefined();
    expect(jsonField('<html>', 'a')).toBeUndefined();
    expect(jsonField('{"a":""}', 'a')).toBeUndefined();
  });
});
