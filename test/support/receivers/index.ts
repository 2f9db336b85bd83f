// Real receivers on 127.0.0.1 (random ports) that answer as the services do; tests point channels at `url`.
export { Recorder, startHttpReceiver, ServiceReceiver, HttpReceiver, type RecordedRequest, type Reply, type Failure } from './http.js';
export { startNtfyReceiver, type NtfyReceiver, type NtfyMessage, type NtfyReceiverOptions } from './ntfy.js';
export { startWebhookReceiver, verifySignature, type WebhookReceiver, type WebhookDelivery } from './webhook.js';
export { startGotifyReceiver, type GotifyReceiver, type GotifyMessage } from './gotify.js';
export { startDiscordReceiver, type DiscordReceiver, type DiscordMessage, type DiscordEmbed } from './discord.js';
export { startSlackReceiver, type SlackReceiver, type SlackMessage } from './slack.js';
export { startTelegramReceiver, type TelegramReceiver, type TelegramMessage } from './telegram.js';
export { startAppriseReceiver, type AppriseReceiver, type AppriseMessage } from './apprise.js';
export { startSmtpReceiver, SmtpReceiver, type SmtpMessage, type SmtpFailure, type SmtpReceiverOptions } from './smtp.js';
