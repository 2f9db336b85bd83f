import pino, { type Logger } from 'pino';

/** pino, with every place a secret could sit redacted (headers, passwords, tokens, keys, channel secrets). */
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
        req: (req) => ({ method: req.method, url: String(req.url).replace(/([?&]token=)[^&]+/, '$1[redacted]'), remoteAddress: req.ip }),
      },
    },
    destination,
  );
}
