import pino, { type Logger } from 'pino';

/** pino, with every place a secret could sit redacted (headers, passwords, tokens, keys, channel secrets). */
const SECRET_PARAM = /^(token|access_token|api_key|apikey|password|secret)$/i;

/**
 * A request URL as logged: the value of every query parameter whose name, once decoded (`%74oken` is `token`), names
 * a secret is replaced, however often it is repeated. A URL that does not parse keeps only its path.
 */
export function redactUrl(url: string): string {
  const q = url.indexOf('?');
  if (q < 0) return url;
  const path = url.slice(0, q);
  try {
    const params = new URLSearchParams(url.slice(q + 1));
    const out: string[] = [];
    for (const [name, value] of params) {
      out.push(`${encodeURIComponent(name)}=${SECRET_PARAM.test(name) ? '[redacted]' : encodeURIComponent(value)}`);
    }
    return out.length ? `${path}?${out.join('&')}` : path;
  } catch {
    return `${path}?[unparsed query]`;
  }
}

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { app: 'homelab' },
      redact: {
        paths: [
          'req.headers.authorization',
          'req.headers.cookie',
          'headers.authorization',
          '*.password',
          '*.password_hash',
          '*.token',
          '*.access_token',
          '*.secret',
          '*.secrets',
          '*.privateKey',
          '*.private_key',
          '*.api_key',
          '*.apiKey',
          '*.credentials',
          'password',
          'token',
          'secret',
          'privateKey',
          'api_key',
          'apiKey',
          'credentials',
        ],
        censor: '[redacted]',
      },
      serializers: {
        req: (req) => ({ method: req.method, url: redactUrl(String(req.url)), remoteAddress: req.ip }),
      },
    },
    destination,
  );
}
