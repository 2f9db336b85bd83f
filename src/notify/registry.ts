import { Value } from '@sinclair/typebox/value';
import { appriseChannel } from './apprise.js';
import { discordChannel } from './discord.js';
import { emailChannel } from './email.js';
import { NotifyConfigError } from './errors.js';
import { gotifyChannel } from './gotify.js';
import { ntfyChannel } from './ntfy.js';
import { CHANNEL_KINDS, type ChannelDefinition, type ChannelKind, type Notifier, type NotifierDeps } from './notifier.js';
import { slackChannel } from './slack.js';
import { telegramChannel } from './telegram.js';
import { webhookChannel } from './webhook.js';

/**
 * Every channel, by kind. `satisfies` makes a missing kind a compile error; the key/kind check below makes a
 * definition filed under the wrong key fail at startup rather than send to the wrong service.
 */
export const channelRegistry = {
  ntfy: ntfyChannel,
  webhook: webhookChannel,
  gotify: gotifyChannel,
  discord: discordChannel,
  slack: slackChannel,
  telegram: telegramChannel,
  email: emailChannel,
  apprise: appriseChannel,
} satisfies Record<ChannelKind, ChannelDefinition<any>>;

for (const [key, def] of Object.entries(channelRegistry)) {
  if (def.kind !== key) throw new Error(`notify registry: "${key}" holds the definition of "${def.kind}"`);
}

export function isChannelKind(kind: string): kind is ChannelKind {
  return (CHANNEL_KINDS as readonly string[]).includes(kind);
}

/** The definition of a kind; throws on an unknown kind (a stored channel of a kind we dropped must be noticed). */
export function getChannelDefinition(kind: string): ChannelDefinition<any> {
  if (!isChannelKind(kind)) {
    throw new NotifyConfigError(`unknown notification channel kind "${kind}"`, [`known: ${CHANNEL_KINDS.join(', ')}`]);
  }
  return channelRegistry[kind];
}

/**
 * A config as stored or posted -> the config `create` expects: schema defaults filled in, then checked.
 * Throws NotifyConfigError listing every problem (path and reason), never echoing values (they may be secrets).
 */
export function parseChannelConfig(kind: string, raw: unknown): Record<string, unknown> {
  const def = getChannelDefinition(kind);
  const config = Value.Default(def.configSchema, structuredClone(raw ?? {}));
  if (!Value.Check(def.configSchema, config)) {
    const details = [...Value.Errors(def.configSchema, config)].map((e) => `${e.path || '/'}: ${e.message}`);
    throw new NotifyConfigError(`invalid ${kind} channel config`, details);
  }
  return config as Record<string, unknown>;
}

/** Validates a config and builds its notifier: what the composition root calls for each stored channel. */
export function createNotifier(kind: string, rawConfig: unknown, deps: NotifierDeps): Notifier {
  return getChannelDefinition(kind).create(parseChannelConfig(kind, rawConfig), deps);
}

/**
 * Splits a channel config into what the API may return (`visible`) and what must be stored encrypted and never
 * returned (`secrets`, by the definition's secretFields). `secretKeys` lists the secrets that are set, so a UI can
 * show "token: set" without seeing it. Merging back for sending is `{ ...visible, ...secrets }`.
 */
export function splitSecrets(
  kind: string,
  config: Record<string, unknown>,
): { visible: Record<string, unknown>; secrets: Record<string, unknown>; secretKeys: string[] } {
  const secretFields = new Set(getChannelDefinition(kind).secretFields);
  const visible: Record<string, unknown> = {};
  const secrets: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(config)) {
    if (secretFields.has(key)) {
      if (value !== undefined && value !== null && value !== '') secrets[key] = value;
    } else {
      visible[key] = value;
    }
  }
  return { visible, secrets, secretKeys: Object.keys(secrets) };
}
