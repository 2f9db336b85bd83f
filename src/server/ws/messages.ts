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
    case 'docker_alert_opened':
    case 'docker_alert_closed':
    case 'docker_alert_acknowledged':
      return [e];
    default:
      return unreachable(e);
  }
}

function unreachable(e: never): WsMessage[] {
  throw new Error(`no browser mapping for event ${(e as { type: string }).type}`);
}
