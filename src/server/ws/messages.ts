import { isDockerAlert } from '../../core/alert-rules.js';
import type { DomainEvent } from '../../core/events.js';
import type { WsMessage } from '../../core/types.js';

/**
 * What a browser receives for each domain event (the WebSocket contract: WsMessage in src/core/types.ts). Exhaustive
 * over the events: a new event must say here whether browsers see it.
 */
export function toBrowser(e: DomainEvent): WsMessage[] {
  switch (e.type) {
    case 'host_updated':
    case 'host_removed':
    case 'task_updated':
    case 'docker_host_updated':
    case 'docker_container_updated':
    case 'docker_container_removed':
    case 'portainer_server_updated':
    case 'portainer_server_removed':
      return [e];
    // Every alert as alert_*; Docker alerts also in the seed's vocabulary (its UI contract).
    case 'alert_opened':
      return withSeed({ type: 'alert_opened', alert: e.alert }, 'docker_alert_opened');
    case 'alert_updated':
      return withSeed({ type: 'alert_updated', alert: e.alert }, e.change === 'acknowledged' ? 'docker_alert_acknowledged' : 'docker_alert_opened');
    case 'alert_closed':
      return withSeed({ type: 'alert_closed', alert: e.alert }, 'docker_alert_closed');
    // The hub acts on it (closes the sockets whose session ended); no browser is told about another user's sessions.
    case 'user_sessions_ended':
      return [];
    default:
      return unreachable(e);
  }
}

function withSeed(m: Extract<WsMessage, { alert: unknown }>, seed: 'docker_alert_opened' | 'docker_alert_closed' | 'docker_alert_acknowledged'): WsMessage[] {
  return isDockerAlert(m.alert) ? [m, { type: seed, alert: m.alert }] : [m];
}

function unreachable(e: never): WsMessage[] {
  throw new Error(`no browser mapping for event ${(e as { type: string }).type}`);
}
