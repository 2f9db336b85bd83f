import type { Logger } from 'pino';
import { AppError, conflict, invalid, notFound } from '../../core/errors.js';
import type { SecretBox } from '../../core/secret-box.js';
import { parseJson } from '../../core/time.js';
import type { AlertSeverity } from '../../core/types.js';
import type { ChannelRepository } from '../../db/repositories/channel.repository.js';
import type { NotificationChannelRow } from '../../db/schema.js';
import {
  NotifyConfigError,
  NotifyError,
  channelRegistry,
  createNotifier,
  getChannelDefinition,
  isChannelKind,
  parseChannelConfig,
  splitSecrets,
  testMessage,
  type Notifier,
} from '../../notify/index.js';
import type { ChannelKindInfo, NotificationChannel } from './types.js';

/** The channel made from HOMELAB_NTFY_URL/TOPIC/TOKEN at start (a real row, so its health shows like any other). */
export const ENV_CHANNEL_NAME = 'ntfy (environment)';

export interface ChannelInput {
  name: string;
  kind: string;
  enabled?: boolean;
  config: Record<string, unknown>;
  notify_resolved?: boolean;
  min_severity?: AlertSeverity;
}

export type ChannelPatch = Partial<Omit<ChannelInput, 'kind'>>;

export interface ChannelServiceDeps {
  repo: ChannelRepository;
  secretBox: SecretBox;
  logger: Logger;
  fetch: typeof fetch;
  /** deadline of one delivery attempt */
  sendTimeoutMs: number;
  dashboardUrl?: string;
  env: { ntfyUrl: string | null; ntfyTopic: string; ntfyToken: string | null };
}

/**
 * Notification channels: CRUD with secrets encrypted at rest and never returned, the test message, the kinds for the
 * UI, and the notifier of a stored channel for the outbox worker.
 */
export class ChannelService {
  constructor(private readonly d: ChannelServiceDeps) {}

  private secretsOf(row: NotificationChannelRow): Record<string, unknown> {
    if (!row.secrets) return {};
    try {
      return JSON.parse(this.d.secretBox.decrypt(row.secrets)) as Record<string, unknown>;
    } catch (err) {
      // A changed HOMELAB_SECRET_KEY makes stored secrets unreadable: say so rather than send without them.
      throw new AppError(500, 'secret_unreadable', `secrets of channel "${row.name}" cannot be decrypted (was HOMELAB_SECRET_KEY changed?)`, { cause: err });
    }
  }

  map(row: NotificationChannelRow): NotificationChannel {
    let secretsSet: string[] = [];
    try {
      secretsSet = Object.keys(this.secretsOf(row));
    } catch {
      secretsSet = [];
    }
    return {
      id: row.id,
      name: row.name,
      kind: row.kind,
      enabled: row.enabled === 1,
      config: parseJson<Record<string, unknown>>(row.config, {}),
      secrets_set: secretsSet,
      notify_resolved: row.notify_resolved === 1,
      min_severity: row.min_severity as AlertSeverity,
      last_success_at: row.last_success_at,
      last_error: row.last_error,
      last_error_at: row.last_error_at,
      created_at: row.created_at,
      updated_at: row.updated_at,
    };
  }

  async list(): Promise<NotificationChannel[]> {
    return (await this.d.repo.list()).map((r) => this.map(r));
  }

  async row(id: number): Promise<NotificationChannelRow> {
    const row = await this.d.repo.get(id);
    if (!row) throw notFound('notification channel', id);
    return row;
  }

  async get(id: number): Promise<NotificationChannel> {
    return this.map(await this.row(id));
  }

  /** Validates (defaults filled), then splits: the visible part in clear, the secrets encrypted. */
  private seal(kind: string, config: Record<string, unknown>): { config: Record<string, unknown>; secrets: string | null } {
    let parsed: Record<string, unknown>;
    try {
      parsed = parseChannelConfig(kind, config);
    } catch (err) {
      if (err instanceof NotifyConfigError) throw new AppError(422, 'invalid_channel_config', err.message, { cause: err });
      throw err;
    }
    const { visible, secrets, secretKeys } = splitSecrets(kind, parsed);
    return { config: visible, secrets: secretKeys.length ? this.d.secretBox.encrypt(JSON.stringify(secrets)) : null };
  }

  async create(input: ChannelInput): Promise<NotificationChannel> {
    if (!isChannelKind(input.kind)) throw invalid(`unknown channel kind "${input.kind}"`, 'invalid_channel_kind');
    if (await this.d.repo.getByName(input.name)) throw conflict('channel_name_taken', `a channel named "${input.name}" exists`);
    const sealed = this.seal(input.kind, input.config);
    const row = await this.d.repo.create({
      name: input.name,
      kind: input.kind,
      enabled: input.enabled ?? true,
      notify_resolved: input.notify_resolved ?? true,
      min_severity: input.min_severity ?? 'warning',
      ...sealed,
    });
    return this.map(row);
  }

  /**
   * Config keys sent replace the stored ones; a secret not sent is kept, a secret sent as "" or null is removed
   * (the API never shows secrets, so "not sent" must mean "unchanged").
   */
  async update(id: number, patch: ChannelPatch): Promise<NotificationChannel> {
    const row = await this.row(id);
    if (patch.name !== undefined && patch.name !== row.name && (await this.d.repo.getByName(patch.name))) {
      throw conflict('channel_name_taken', `a channel named "${patch.name}" exists`);
    }
    let sealed: { config: Record<string, unknown>; secrets: string | null } | undefined;
    if (patch.config) {
      const merged: Record<string, unknown> = { ...parseJson<Record<string, unknown>>(row.config, {}), ...this.secretsOf(row) };
      for (const [k, v] of Object.entries(patch.config)) {
        if (v === null || v === '') delete merged[k];
        else merged[k] = v;
      }
      sealed = this.seal(row.kind, merged);
    }
    const updated = await this.d.repo.update(id, {
      name: patch.name,
      enabled: patch.enabled,
      notify_resolved: patch.notify_resolved,
      min_severity: patch.min_severity,
      ...(sealed ?? {}),
    });
    return this.map(updated!);
  }

  async remove(id: number): Promise<void> {
    if (!(await this.d.repo.remove(id))) throw notFound('notification channel', id);
  }

  /** The stored channel ready to send (config + decrypted secrets). */
  notifierFor(row: NotificationChannelRow): Notifier {
    const config = { ...parseJson<Record<string, unknown>>(row.config, {}), ...this.secretsOf(row) };
    return createNotifier(row.kind, config, { fetch: this.d.fetch, timeoutMs: this.d.sendTimeoutMs });
  }

  /** Sends the test message now (not through the queue) and records the outcome on the channel. */
  async test(id: number): Promise<{ ok: true; duration_ms: number }> {
    const row = await this.row(id);
    const started = Date.now();
    try {
      await this.notifierFor(row).send(testMessage(row.name, { dashboardUrl: this.d.dashboardUrl }), AbortSignal.timeout(this.d.sendTimeoutMs + 5_000));
      await this.d.repo.recordSuccess(id);
      return { ok: true, duration_ms: Date.now() - started };
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      await this.d.repo.recordError(id, message);
      if (err instanceof AppError) throw err;
      const code = err instanceof NotifyError ? 'notify_failed' : 'notify_error';
      throw new AppError(502, code, message, { cause: err });
    }
  }

  kinds(): ChannelKindInfo[] {
    return Object.values(channelRegistry).map((def) => {
      const schema = JSON.parse(JSON.stringify(getChannelDefinition(def.kind).configSchema)) as {
        properties?: Record<string, Record<string, unknown>>;
        required?: string[];
      };
      const required = new Set(schema.required ?? []);
      const fields = Object.entries(schema.properties ?? {}).map(([name, s]) => ({
        name,
        type: typeof s.type === 'string' ? s.type : 'string',
        required: required.has(name),
        secret: def.secretFields.includes(name),
        ...(s.default !== undefined ? { default: s.default } : {}),
        ...(typeof s.description === 'string' ? { description: s.description } : {}),
        schema: s,
      }));
      return { kind: def.kind, label: def.label, fields };
    });
  }

  /**
   * Zero-config start: HOMELAB_NTFY_URL makes (or refreshes) the row "ntfy (environment)". The environment owns its
   * URL, topic and token; enabled / min_severity / notify_resolved stay as the admin set them.
   */
  async ensureEnvChannel(): Promise<void> {
    const { ntfyUrl, ntfyTopic, ntfyToken } = this.d.env;
    if (!ntfyUrl) return;
    const config: Record<string, unknown> = { server_url: ntfyUrl, topic: ntfyTopic, ...(ntfyToken ? { token: ntfyToken } : {}) };
    const existing = await this.d.repo.getByName(ENV_CHANNEL_NAME);
    if (!existing) {
      await this.create({ name: ENV_CHANNEL_NAME, kind: 'ntfy', config });
      this.d.logger.info({ channel: ENV_CHANNEL_NAME, topic: ntfyTopic }, 'notification channel from HOMELAB_NTFY_URL created');
      return;
    }
    const sealed = this.seal('ntfy', config);
    await this.d.repo.update(existing.id, { kind: 'ntfy', ...sealed });
  }
}
