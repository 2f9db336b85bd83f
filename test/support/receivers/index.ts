// Real receivers on 127.0.0.1 (random ports) that answer as the services do; tests point channels at `url`.
//
//   const ntfy = await startNtfyReceiver({ token: 'tk_test' });        // server_url: ntfy.url
//   const m = await ntfy.waitFor((m) => m.title === '🚨 Docker Alert - lab1', 5_000);
//   await ntfy.messages.waitForCount(2, (m) => m.priority === 4, 10_000); // e.g. re-notified after the cooldown
//   await ntfy.messages.noneWithin(3_000, (m) => m.title?.startsWith('🚨') === true); // nothing more within 3 s
//   ntfy.fail({ status: 500 }, 2); ntfy.fail('hang'); ntfy.heal();       // failure switches
//   await ntfy.close();
export { Recorder, startHttpReceiver, ServiceReceiver, HttpReceiver, type RecordedRequest, type Reply, type Failure } from './http.js';
export { startNtfyReceiver, type NtfyReceiver, type NtfyMessage, type NtfyReceiverOptions } from './ntfy.js';
export { startWebhookReceiver, verifySignature, type WebhookReceiver, type WebhookDelivery } from './webhook.js';
export { startGotifyReceiver, type GotifyReceiver, type GotifyMessage } from './gotify.js';
export { startDiscordReceiver, type DiscordReceiver, type DiscordMessage, type DiscordEmbed } from './discord.js';
export { startSlackReceiver, type SlackReceiver, type SlackMessage } from './slack.js';
export { startTelegramReceiver, type TelegramReceiver, type TelegramMessage } from './telegram.js';
export { startAppriseReceiver, type AppriseReceiver, type AppriseMessage } from './apprise.js';
export { startSmtpReceiver, SmtpReceiver, type SmtpMessage, type SmtpFailure, type SmtpReceiverOptions } from './smtp.js';
