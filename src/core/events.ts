import type { Alert, DockerContainer, DockerHostSummary, Host, PortainerServer, Task } from './types.js';

/**
 * Domain events: what services publish on the in-process bus when something changed. They are not browser messages:
 * only src/server/ws decides what a browser receives (messages.ts maps each event to WebSocket messages), so a
 * service can publish what other services need without it reaching every open tab, and the WebSocket contract can
 * keep its shape while the services change.
 */
export type DomainEvent =
  | { type: 'host_updated'; host: Host }
  | { type: 'host_removed'; host_id: number }
  | { type: 'task_updated'; task: Task }
  | { type: 'docker_host_updated'; host: DockerHostSummary }
  | { type: 'docker_container_updated'; host_id: number; container: DockerContainer }
  | { type: 'docker_container_removed'; host_id: number; container_id: string; name: string; labels: Record<string, string> }
  | { type: 'alert_opened'; alert: Alert }
  | { type: 'alert_updated'; alert: Alert; change: 'reopened' | 'message' | 'acknowledged' }
  | { type: 'alert_closed'; alert: Alert }
  /** a user's sessions ended (password or role changed, logout, removal): their WebSockets are checked at once */
  | { type: 'user_sessions_ended'; user_id: number }

  // a Portainer server's status fields changed (test, sync, failure) or its settings did; its API shape
  | { type: 'portainer_server_updated'; server: PortainerServer }
  | { type: 'portainer_server_removed'; server_id: number };

export type DomainEventType = DomainEvent['type'];
