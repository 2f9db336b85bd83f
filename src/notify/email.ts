import nodemailer from 'nodemailer';
import { Type, type Static } from '@sinclair/typebox';
import { NotifyError } from './errors.js';
import { plainText } from './format.js';
import type { ChannelDefinition, NotificationMessage, Notifier, NotifierDeps } from './notifier.js';

export const EmailConfig = Type.Object(
  {
    host: Type.String({ minLength: 1 }),
    port: Type.Integer({ minimum: 1, maximum: 65535, default: 587 }),
    secure: Type.Boolean({ default: false, description: 'TLS from the first byte (port 465); otherwise STARTTLS when offered' }),
    username: Type.Optional(Type.String({ minLength: 1 })),
    password: Type.Optional(Type.String({ minLength: 1 })),
    from: Type.String({ minLength: 3, description: 'e.g. "Homelab <homelab@example.lan>"' }),
    to: Type.Array(Type.String({ minLength: 3 }), { minItems: 1 }),
    allow_invalid_certs: Type.Optional(Type.Boolean({ default: false, description: 'accept a self-signed server certificate' })),
  },
  { additionalProperties: false },
);
export type EmailConfig = Static<typeof EmailConfig>;

/** nodemailer's error shape: `code` for its own failures, `responseCode`/`response` for the SMTP server's refusals. */
interface SmtpError extends Error {
  code?: string;
  responseCode?: number;
  response?: string;
}

/**
 * SMTP through nodemailer, one connection per message: alerts are rare, and a fresh connection cannot be a stale one.
 * nodemailer takes no AbortSignal, so an abort or the deadline closes the transport, which fails the send.
 */
export class EmailNotifier implements Notifier {
  readonly kind = 'email' as const;

  constructor(
    private readonly config: EmailConfig,
    private readonly deps: NotifierDeps,
  ) {}

  async send(msg: NotificationMessage, signal: AbortSignal): Promise<void> {
    const { config, deps } = this;
    const transport = nodemailer.createTransport({
      host: config.host,
      port: config.port,
      secure: config.secure,
      auth: config.username ? { user: config.username, pass: config.password ?? '' } : undefined,
      connectionTimeout: deps.timeoutMs,
      greetingTimeout: deps.timeoutMs,
      socketTimeout: deps.timeoutMs,
      tls: { rejectUnauthorized: !config.allow_invalid_certs },
    });
    const deadline = AbortSignal.any([signal, AbortSignal.timeout(deps.timeoutMs)]);
    let onAbort = (): void => {};
    const aborted = new Promise<never>((_, reject) => {
      onAbort = () => {
        transport.close();
        const why = signal.aborted ? 'delivery aborted' : `no answer within ${deps.timeoutMs} ms`;
        reject(new NotifyError(this.kind, why, { retryable: true, cause: deadline.reason }));
      };
      if (deadline.aborted) onAbort();
      else deadline.addEventListener('abort', onAbort, { once: true });
    });
    try {
      await Promise.race([
        transport.sendMail({
          from: config.from,
          to: config.to,
          subject: msg.title,
          text: plainText(msg),
          headers: { 'X-Homelab-Event': msg.event },
        }),
        aborted,
      ]);
    } catch (err) {
      if (err instanceof NotifyError) throw err;
      throw toNotifyError(err as SmtpError);
    } finally {
      deadline.removeEventListener('abort', onAbort);
      aborted.catch(() => {}); // the race's loser must not become an unhandled rejection
      transport.close();
    }
  }
}

/** A 4xx SMTP reply is temporary by definition (RFC 5321), a 5xx permanent; connection trouble is worth a retry. */
function toNotifyError(err: SmtpError): NotifyError {
  const status = err.responseCode;
  if (status !== undefined) {
    const text = (err.response ?? err.message).trim();
    return new NotifyError('email', `SMTP ${text}`, { status, retryable: status >= 400 && status < 500, cause: err });
  }
  const permanent = err.code === 'EAUTH' || err.code === 'EENVELOPE' || err.code === 'EMESSAGE';
  return new NotifyError('email', `${err.code ?? 'error'}: ${err.message}`, { retryable: !permanent, cause: err });
}

export const emailChannel: ChannelDefinition<EmailConfig> = {
  kind: 'email',
  label: 'E-mail (SMTP)',
  configSchema: EmailConfig,
  secretFields: ['password'],
  create: (config, deps) => new EmailNotifier(config, deps),
};
