/**
 * Domain types shared by services, routes and the UI (type-only imports from web/).
 * These are the API shapes: the JSON the server answers is exactly these objects.
 * Timestamps are ISO-8601 strings in UTC (e.g. "2026-11-22T02:31:59.000Z") or null.
 */

export type Role = 'viewer' | 'operator' | 'admin';
export const ROLES: readonly Role[] = ['viewer', 'operator', 'admin'];

export interface User {
  id: number;
  username: string;
  role: Role;
  created_at: string;
  last_login_at: string | null;
}

export interface ApiToken {
  id: number;
  name: string;
  prefix: string; // first characters of the token, to recognise it; the token itself is shown once
  role: Role; // a token acts with its owner's role at most
  user_id: number;
  created_at: string;
  last_used_at: string | null;
  expires_at: string | null;
}

export type HostStatus = 'online' | 'offline' | 'unknown';
/** A host's kind: how it is reached (src/providers/registry.ts maps each to its engine). */
export type HostTransport = 'ssh' | 'local';
export type DockerStatus = 'online' | 'error' | 'unreachable' | 'unknown';

export interface HostMetrics {
  collected_at: string;
  uptime_s: number | null;
  load1: number | null;
  load5: number | null;
  load15: number | null;
  cpu_count: number | null;
  mem_total_bytes: number | null;
  mem_used_bytes: number | null;
  disk_total_bytes: number | null;
  disk_used_bytes: number | null;
}

export interface Host {
  id: number;
  name: string; // unique within the host's source (by hand / Ansible, or one Portainer server)
  // The SSH fields: set for ssh (and local) hosts, null for hosts not reached over SSH (a Portainer environment).
  host: string | null; // address or DNS name
  port: number | null;
  username: string | null;
  os_type: string | null;
  transport: HostTransport;
  status: HostStatus;
  status_reason: string | null;
  last_seen_at: string | null;
  ssh_host_key: string | null; // "SHA256:..." once pinned
  groups: string[]; // Ansible groups the host came from
  docker_enabled: boolean;
  docker_version: string | null;
  docker_status: DockerStatus;
  docker_status_reason: string | null;
  docker_last_collect_at: string | null;
  created_at: string;
  updated_at: string;
  metrics: HostMetrics | null; // latest sample
  // Where the host comes from: a Portainer server and its environment (endpoint) id; both null for a host added by
  // hand or imported from Ansible.
  portainer_server_id: number | null;
  portainer_endpoint_id: number | null;
}

export type TaskStatus = 'pending' | 'running' | 'success' | 'failed';

export interface Task {
  id: number;
  action: string; // e.g. "docker.container.stop", "docker.compose.restart", "docker.prune"
  status: TaskStatus;
  host_id: number | null;
  target: string | null; // container id/name, compose project...
  requested_by: string; // username, or "system"
  output: string | null;
  error: string | null;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  duration_ms: number | null;
}

export interface PortMapping {
  ip: string | null; // host ip, null when not published
  public_port: number | null;
  private_port: number;
  type: 'tcp' | 'udp' | 'sctp';
}

export type ContainerState = 'created' | 'running' | 'paused' | 'restarting' | 'removing' | 'exited' | 'dead';
export type ContainerHealth = 'healthy' | 'unhealthy' | 'starting' | 'none';

export interface DockerContainer {
  id: number; // our row id
  host_id: number;
  container_id: string; // full 64-hex id
  name: string; // without leading slash
  image: string;
  state: ContainerState | string;
  status: string; // "Up 2 hours", "Exited (3) 5 minutes ago"
  health: ContainerHealth;
  created_at: string | null;
  started_at: string | null;
  finished_at: string | null;
  exit_code: number | null;
  oom_killed: boolean;
  restart_count: number;
  command: string | null;
  ports: PortMapping[];
  labels: Record<string, string>;
  compose_project: string | null;
  compose_service: string | null;
  ip_address: string | null;
  mac_address: string | null;
  gateway: string | null;
  networks: string[];
  stale: boolean; // true while the host's docker is unreachable: last known state
  last_update_at: string;
}

export interface DockerImage {
  id: number;
  host_id: number;
  image_id: string;
  repo_tags: string[];
  size: number;
  created: string | null;
  containers: number; // how many containers use it (from ps)
  last_update_at: string;
}

export interface DockerVolume {
  id: number;
  host_id: number;
  name: string;
  driver: string;
  mountpoint: string | null;
  scope: string | null;
  labels: Record<string, string>;
  last_update_at: string;
}

export interface DockerNetwork {
  id: number;
  host_id: number;
  network_id: string;
  name: string;
  driver: string;
  scope: string;
  internal: boolean;
  subnet: string | null;
  containers: string[]; // container names attached
  last_update_at: string;
}

export interface DockerEvent {
  id: number;
  host_id: number;
  time: string;
  kind: 'docker' | 'action';
  type: string; // container, image, network, volume, action
  action: string; // start, die, stop, health_status: unhealthy, or our task action
  target_id: string | null;
  target_name: string | null;
  message: string | null;
  task_id: number | null;
}

export type AlertSource = 'docker' | 'host' | 'portainer' | 'proxmox';
export type AlertSeverity = 'info' | 'warning' | 'error' | 'critical';
export type AlertState = 'open' | 'acknowledged' | 'closed';
/** What an alert is about, within its source (see AlertSubject). */
export type AlertSubjectKind = 'container' | 'docker_host' | 'host' | 'server' | 'environment' | 'node' | 'guest' | 'storage' | 'backup';

/**
 * The thing an alert is about. `key` is stable and unique across sources (`docker:3:nginx`, `host:3`); an alert's
 * target is its subject key plus the rule (`docker:3:nginx:down`). `scope` is the key of what the subject belongs
 * to (a host today, a Portainer server or Proxmox cluster later): a silence on a scope covers every subject in it.
 */
export interface AlertSubject {
  source: AlertSource;
  kind: AlertSubjectKind;
  key: string;
  name: string;
  scope: string;
}

export interface Alert {
  id: number;
  source: AlertSource;
  host_id: number | null;
  host_name: string | null;
  target: string; // unique key of what is alerted on, e.g. "docker:3:nginx:down" or "host:3:offline"
  container_name: string | null;
  rule: string; // container_down, container_unhealthy, container_missing, restart_loop, docker_unreachable, host_offline
  severity: AlertSeverity;
  state: AlertState;
  message: string;
  occurrences: number;
  opened_at: string;
  closed_at: string | null;
  last_notified_at: string | null;
  acknowledged_by: string | null;
  acknowledged_at: string | null;
  ack_comment: string | null;
  subject: AlertSubject;
}

/** Messages on /ws. Every message is JSON with a `type`. */
export type WsMessage =
  | { type: 'hello'; user: { id: number; username: string; role: Role } }
  | { type: 'host_updated'; host: Host }
  | { type: 'host_removed'; host_id: number }
  | { type: 'task_updated'; task: Task }
  | { type: 'docker_host_updated'; host: DockerHostSummary }
  | { type: 'docker_container_updated'; host_id: number; container: DockerContainer }
  | { type: 'docker_container_removed'; host_id: number; container_id: string; name: string; labels: Record<string, string> }
  | { type: 'docker_alert_opened'; alert: Alert }
  | { type: 'docker_alert_closed'; alert: Alert }
  | { type: 'docker_alert_acknowledged'; alert: Alert }
  // every alert, whatever its source (the docker_alert_* ones above are the seed's, for Docker alerts only)
  | { type: 'alert_opened'; alert: Alert }
  | { type: 'alert_updated'; alert: Alert }
  | { type: 'alert_closed'; alert: Alert }
  | { type: 'logs'; subscription: string; lines: LogLine[] }
  | { type: 'error'; error: string; message: string };

export interface DockerHostSummary {
  id: number;
  name: string;
  host: string | null; // address of an SSH host; null for kinds that have none
  transport: HostTransport;
  status: HostStatus;
  docker_enabled: boolean;
  docker_status: DockerStatus;
  docker_status_reason: string | null;
  docker_version: string | null;
  docker_last_collect_at: string | null;
  containers_running: number;
  containers_total: number;
  open_alerts: number;
  /** What this host's engine can do: the UI offers only these (src/providers/docker/engine.ts). */
  capabilities: DockerCapabilities;
}

export interface DockerCapabilities {
  redeploy: boolean;
  compose_actions: boolean;
  host_metrics: boolean;
  prune: ('containers' | 'images' | 'volumes' | 'networks')[];
  live_logs: boolean;
}

export interface LogLine {
  ts: string | null;
  stream: 'stdout' | 'stderr';
  text: string;
}
