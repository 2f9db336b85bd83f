// The notify module's public surface: the contract, the registry, the message formatting, the errors.
export * from './notifier.js';
export { NotifyError, NotifyConfigError, isRetryableStatus } from './errors.js';
export { channelRegistry, getChannelDefinition, isChannelKind, parseChannelConfig, createNotifier, splitSecrets } from './registry.js';
export {
  alertMessage,
  testMessage,
  formatDuration,
  ntfyPriorityFor,
  gotifyPriorityFor,
  colorFor,
  appriseTypeFor,
  plainText,
  type AlertLike,
} from './format.js';
export { signBody, SIGNATURE_HEADER } from './webhook.js';
export { NtfyNotifier, type NtfyConfig } from './ntfy.js';
export { WebhookNotifier, type WebhookConfig } from './webhook.js';
export { GotifyNotifier, type GotifyConfig } from './gotify.js';
export { DiscordNotifier, type DiscordConfig } from './discord.js';
export { SlackNotifier, type SlackConfig } from './slack.js';
export { TelegramNotifier, type TelegramConfig } from './telegram.js';
export { EmailNotifier, type EmailConfig } from './email.js';
export { AppriseNotifier, type AppriseConfig } from './apprise.js';
