import crypto from 'node:crypto';
import { invalid } from '../../core/errors.js';
import type { LiveLogs, LogSubscription } from '../../services/docker/live-logs.js';
import type { WsClient, WsHub } from './hub.js';

/**
 * The live-logs topic: `{type:'logs_subscribe', host_id, container_id}` answers `{type:'logs', subscription, lines: []}`
 * and then `{type:'logs', subscription, lines}` as the container writes; `{type:'logs_unsubscribe', subscription}` or
 * closing the socket ends it.
 */
export function registerLogTopics(hub: WsHub, liveLogs: LiveLogs): void {
  const byClient = new WeakMap<WsClient, Map<string, LogSubscription>>();

  hub.handle('logs_subscribe', async (client, msg) => {
    const hostId = Number(msg.host_id);
    if (!Number.isInteger(hostId) || hostId < 1) throw invalid('host_id: a host id');
    if (typeof msg.container_id !== 'string') throw invalid('container_id: a container id or name');
    const subscription = crypto.randomUUID();
    const sub = await liveLogs.subscribe(hostId, msg.container_id, (lines) => client.send({ type: 'logs', subscription, lines }));
    client.send({ type: 'logs', subscription, lines: [] });
    client.onClose(() => sub.cancel());
    let mine = byClient.get(client);
    if (!mine) byClient.set(client, (mine = new Map()));
    mine.set(subscription, sub);
  });

  hub.handle('logs_unsubscribe', (client, msg) => {
    const mine = byClient.get(client);
    const id = String(msg.subscription ?? '');
    mine?.get(id)?.cancel();
    mine?.delete(id);
  });
}
