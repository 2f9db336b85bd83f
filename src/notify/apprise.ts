import { Type, type Static } from '@sinclair/typebox';
import { NotifyConfigError, NotifyError, isRetryableStatus } from './errors.js';
import { appriseTypeFor } from './format.js';
import { HttpUrl, excerpt, jsonField, sendHttp, trimSlash } from './http.js';
import type { ChannelDefinition, NotificationMessage, Notifier, NotifierDeps } from './notifier.js';

export const AppriseConfig = Type.Object(
  {
    server_url: HttpUrl({ description: 'Apprise API server, e.g. http://apprise:8000' }),
    key: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9_-]{1,128}$', description: 'configuration key stored on the server' })),
    urls: Type.Optional(Type.String({ minLength: 1, description: 'Apprise URLs (space or comma separated), when no key' })),
    tag: Type.Optional(Type.String({ minLength: 1, description: 'only notify the URLs of this key tagged so' })),
  },
  { additionalProperties: false },
);
export type AppriseConfig = Static<typeof AppriseConfig>;

/**
 * Apprise API: `POST /notify/<key>` (URLs kept on the Apprise server) or stateless `POST /notify` with our own URLs.
 * It answers 200 when delivered, 424 when some of its services failed, 204 when the key has nothing configured.
 */
export class AppriseNotifier implements Notifier {
  readonly kind = 'apprise' as const;

  constructor(
    private readonly config: AppriseConfig,
    private readonly deps: NotifierDeps,
  ) {
    if (!config.key && !config.urls) throw new NotifyConfigError('apprise: set either a key or urls');
  }

  async send(msg: NotificationMessage, signal: AbortSignal): Promise<void> {
    const { config } = this;
    const base = trimSlash(config.server_url);
    const path = config.key ? `/notify/${encodeURIComponent(config.key)}` : '/notify';
    const body = msg.url ? `${msg.body}\n\n${msg.url}` : msg.body;
    const payload = {
      title: msg.title,
      body,
      type: appriseTypeFor(msg),
      format: 'text',
      ...(config.key ? {} : { urls: config.urls ?? '' }),
      ...(config.tag ? { tag: config.tag } : {}),
    };
    const answer = await sendHttp({
      channel: this.kind,
      deps: this.deps,
      signal,
      url: `${base}${path}`,
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify(payload),
      errorText: (text) => jsonField(text, 'error') ?? (excerpt(text) || undefined),
      // 424: one of Apprise's own services failed, which is as transient as a 5xx
      retryableStatus: (status) => status === 424 || isRetryableStatus(status),
    });
    if (answer.status === 204) {
      throw new NotifyError(this.kind, 'nothing was sent: the key has no Apprise URLs configured', {
        status: 204,
        retryable: false,
      });
    }
  }
}

export const appriseChannel: ChannelDefinition<AppriseConfig> = {
  kind: 'apprise',
  label: 'Apprise API',
  configSchema: AppriseConfig,
  secretFields: ['urls'],
  create: (config, deps) => new AppriseNotifier(config, deps),
};
