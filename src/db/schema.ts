import type { Generated, Insertable, Selectable, Updateable } from 'kysely';

/**
 * Kysely table types. Portable column conventions (one migration set for SQLite and PostgreSQL):
 * timestamps are ISO-8601 UTC text, booleans are integers 0/1, JSON is text. Repositories convert.
 */
export interface UsersTable {
  id: Generated<number>;
  username: string;
  password_hash: string;
  role: string;
  created_at: string;
  updated_at: string;
  last_login_at: string | null;
  /** carried in each JWT (`sv`); bumped to end every session of the user at once */
  session_epoch: Generated<number>;
}

export interface RevokedSessionsTable {
  jti: string;
  user_id: number;
  expires_at: string;
}

export interface ApiTokensTable {
  id: Generated<number>;
  user_id: number;
  name: string;
  prefix: string;
  token_hash: string;
  role: string;
  created_at: string;
  last_used_at: string | null;
  expires_at: string | null;
}

export interface HostsTable {
  id: Generated<number>;
  name: string; // unique within its source (portainer_server_id, or none), not globally
  // The SSH fields: null for hosts that are not reached over SSH (a Portainer environment).
  host: string | null;
  port: number | null;
  username: string | null;
  os_type: string | null;
  transport: string;
  groups: string; // JSON string[]
  status: string;
  status_reason: string | null;
  failures: number;
  last_seen_at: string | null;
  ssh_host_key: string | null;
  docker_enabled: number;
  docker_version: string | null;
  docker_status: string;
  docker_status_reason: string | null;
  docker_last_collect_at: string | null;
  created_at: string;
  updated_at: string;
  // Where the host comes from: a Portainer server and one of its environments (endpoints); both null for a host
  // added by hand or imported from Ansible.
  portainer_server_id: number | null;
  portainer_endpoint_id: number | null;
}

export interface HostMetricsTable {
  id: Generated<number>;
  host_id: number;
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

export interface TasksTable {
  id: Generated<number>;
  action: string;
  status: string;
  host_id: number | null;
  target: string | null;
  requested_by: string;
  output: string | null;
  error: string | null;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  duration_ms: number | null;
}

export interface SettingsTable {
  key: string;
  value: string; // JSON
  updated_at: string;
}

export interface SecretsTable {
  name: string;
  ciphertext: string;
  updated_at: string;
}

export interface DockerContainersTable {
  id: Generated<number>;
  host_id: number;
  container_id: string;
  name: string;
  image: string | null;
  state: string | null;
  status: string | null;
  health: string | null;
  created_at: string | null;
  started_at: string | null;
  finished_at: string | null;
  exit_code: number | null;
  oom_killed: number;
  restart_count: number;
  command: string | null;
  ports: string; // JSON
  labels: string; // JSON
  compose_project: string | null;
  compose_service: string | null;
  ip_address: string | null;
  mac_address: string | null;
  gateway: string | null;
  networks: string; // JSON
  ps_signature: string | null; // what changed in `ps` since the last inspect (drives incremental inspect)
  stale: number;
  last_update_at: string;
}

export interface DockerImagesTable {
  id: Generated<number>;
  host_id: number;
  image_id: string;
  repo_tags: string; // JSON
  size: number;
  created: string | null;
  containers: number;
  last_update_at: string;
}

export interface DockerVolumesTable {
  id: Generated<number>;
  host_id: number;
  name: string;
  driver: string | null;
  mountpoint: string | null;
  scope: string | null;
  labels: string;
  last_update_at: string;
}

export interface DockerNetworksTable {
  id: Generated<number>;
  host_id: number;
  network_id: string;
  name: string;
  driver: string | null;
  scope: string | null;
  internal: number;
  subnet: string | null;
  containers: string; // JSON
  last_update_at: string;
}

export interface DockerEventsTable {
  id: Generated<number>;
  host_id: number;
  time: string;
  kind: string;
  type: string;
  action: string;
  target_id: string | null;
  target_name: string | null;
  message: string | null;
  task_id: number | null;
}

export interface AlertsTable {
  id: Generated<number>;
  source: string;
  host_id: number | null;
  target: string;
  container_name: string | null;
  rule: string;
  severity: string;
  state: string;
  message: string;
  occurrences: number;
  opened_at: string;
  closed_at: string | null;
  last_notified_at: string | null;
  notified_state: string | null; // 'opened' | 'resolved' | null: which notification went out last
  acknowledged_by: string | null;
  acknowledged_at: string | null;
  ack_comment: string | null;
  // the subject (migration 005; core/types.ts AlertSubject): source is the column above
  subject_kind: string;
  subject_key: string;
  subject_name: string;
  scope: string;
}

export interface AlertConditionsTable {
  // A bad state seen but not yet past its grace (persisted so a restart does not reset the clock).
  target: string;
  host_id: number | null;
  rule: string;
  first_seen_at: string;
  last_seen_at: string;
  source: string;
  subject_kind: string;
  subject_key: string;
  subject_name: string;
  scope: string;
}

export interface SilencesTable {
  id: Generated<number>;
  host_id: number | null; // the host of the scope or subject, for cascade deletes and the host's name
  container_name: string | null; // a container subject's name, as the API has always shown it
  subject_key: string | null; // one subject; null: everything under `scope`
  scope: string;
  reason: string | null;
  until: string;
  created_by: string;
  created_at: string;
}

export interface AutoRestartsTable {
  id: Generated<number>;
  host_id: number;
  container_name: string;
  at: string;
  task_id: number | null;
}

export interface NotificationChannelsTable {
  id: Generated<number>;
  name: string;
  kind: string;
  enabled: number;
  config: string; // JSON without secrets
  secrets: string | null; // encrypted JSON of the secret fields
  notify_resolved: number;
  min_severity: string;
  last_success_at: string | null;
  last_error: string | null;
  last_error_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface NotificationOutboxTable {
  id: Generated<number>;
  channel_id: number;
  alert_id: number | null;
  payload: string; // JSON NotificationMessage
  attempts: number;
  next_attempt_at: string;
  status: string; // pending | sent | failed
  last_error: string | null;
  created_at: string;
}

export interface PortainerServersTable {
  id: Generated<number>;
  name: string;
  url: string;
  auth: string; // 'password' | 'api_key'
  credentials: string; // SecretBox value of a JSON {username, password} or {api_key}: never in clear
  tls_fingerprint: string | null;
  default_group: string | null;
  sync_mode: string; // 'create_and_update' | 'update_only'
  sync_interval_s: number;
  enabled: number;
  status: string; // 'online' | 'error' | 'unreachable' | 'unknown'
  status_reason: string | null;
  version: string | null;
  instance_id: string | null;
  last_sync_at: string | null;
  last_sync_ms: number | null;
  endpoints_total: number | null;
  endpoints_up: number | null;
  created_at: string;
  updated_at: string;
}

export interface ProxmoxClustersTable {
  id: Generated<number>;
  name: string;
  host: string;
  port: number;
  auth: string; // 'password' | 'token'
  credentials: string; // SecretBox value of a JSON {userid, password} or {token_id, token_secret}: never in clear
  tls_fingerprint: string | null;
  ca_pem: string | null;
  sync_interval_s: number;
  enabled: number;
  status: string; // 'online' | 'error' | 'unreachable' | 'unknown'
  status_reason: string | null;
  version: string | null;
  cluster_name: string | null;
  quorate: number | null;
  nodes_total: number | null;
  nodes_online: number | null;
  last_sync_at: string | null;
  last_sync_ms: number | null;
  created_at: string;
  updated_at: string;
}

/** What the Proxmox sync saw (migration 010); lists are JSON text. */
export interface ProxmoxNodesTable {
  cluster_id: number;
  node: string;
  status: string;
  uptime_s: number | null;
  cpu_usage: number | null;
  cpu_count: number | null;
  cpu_model: string | null;
  mem_used: number | null;
  mem_total: number | null;
  disk_used: number | null;
  disk_total: number | null;
  loadavg: string | null; // JSON [1, 5, 15 min]
  kernel_version: string | null;
  pve_version: string | null;
  updated_at: string;
}

export interface ProxmoxGuestsTable {
  cluster_id: number;
  vmid: number;
  type: string; // 'qemu' | 'lxc'
  name: string;
  node: string;
  status: string;
  cpus: number | null;
  cpu_usage: number | null;
  mem_used: number | null;
  mem_total: number | null;
  disk_used: number | null;
  disk_total: number | null;
  uptime_s: number | null;
  ipv4: string; // JSON string[]
  ipv6: string; // JSON string[]
  agent: string; // 'running' | 'not_running' | 'not_configured'
  tags: string; // JSON string[]
  lock: string | null;
  template: number;
  ha_state: string | null;
  snapshots: number;
  updated_at: string;
}

export interface ProxmoxStorageTable {
  cluster_id: number;
  storage: string;
  node: string;
  type: string;
  status: string;
  content: string; // JSON string[]
  used: number | null;
  total: number | null;
  shared: number;
  updated_at: string;
}

export interface Database {
  users: UsersTable;
  revoked_sessions: RevokedSessionsTable;
  api_tokens: ApiTokensTable;
  hosts: HostsTable;
  host_metrics: HostMetricsTable;
  tasks: TasksTable;
  settings: SettingsTable;
  secrets: SecretsTable;
  docker_containers: DockerContainersTable;
  docker_images: DockerImagesTable;
  docker_volumes: DockerVolumesTable;
  docker_networks: DockerNetworksTable;
  docker_events: DockerEventsTable;
  alerts: AlertsTable;
  alert_conditions: AlertConditionsTable;
  silences: SilencesTable;
  auto_restarts: AutoRestartsTable;
  notification_channels: NotificationChannelsTable;
  notification_outbox: NotificationOutboxTable;
  docker_log_capture: DockerLogCaptureTable;
  docker_log_lines: DockerLogLinesTable;
  portainer_servers: PortainerServersTable;
  proxmox_clusters: ProxmoxClustersTable;
  proxmox_nodes: ProxmoxNodesTable;
  proxmox_guests: ProxmoxGuestsTable;
  proxmox_storage: ProxmoxStorageTable;
}

export type UserRow = Selectable<UsersTable>;
export type ApiTokenRow = Selectable<ApiTokensTable>;
export type HostRow = Selectable<HostsTable>;
export type NewHostRow = Insertable<HostsTable>;
export type HostUpdate = Updateable<HostsTable>;
export type HostMetricsRow = Selectable<HostMetricsTable>;
export type TaskRow = Selectable<TasksTable>;
export type DockerContainerRow = Selectable<DockerContainersTable>;
export type NewDockerContainerRow = Insertable<DockerContainersTable>;
export type DockerImageRow = Selectable<DockerImagesTable>;
export type DockerVolumeRow = Selectable<DockerVolumesTable>;
export type DockerNetworkRow = Selectable<DockerNetworksTable>;
export type DockerEventRow = Selectable<DockerEventsTable>;
export type AlertRow = Selectable<AlertsTable>;
export type NotificationChannelRow = Selectable<NotificationChannelsTable>;

/** Log capture per (host, container name): the stored choice and where capture stands (migration 008). */
export interface DockerLogCaptureTable {
  host_id: number;
  container_name: string;
  setting: string | null;
  started_at: string | null;
  last_ts: string | null;
  last_ts_count: Generated<number>;
  updated_at: string;
}

export interface DockerLogLinesTable {
  id: Generated<number>;
  host_id: number;
  container_name: string;
  container_id: string;
  ts: string;
  stream: string;
  text: string;
}

export type DockerLogCaptureRow = Selectable<DockerLogCaptureTable>;
export type PortainerServerRow = Selectable<PortainerServersTable>;
export type PortainerServerUpdate = Updateable<PortainerServersTable>;
export type ProxmoxClusterRow = Selectable<ProxmoxClustersTable>;
export type ProxmoxClusterUpdate = Updateable<ProxmoxClustersTable>;
export type ProxmoxNodeRow = Selectable<ProxmoxNodesTable>;
export type ProxmoxGuestRow = Selectable<ProxmoxGuestsTable>;
export type ProxmoxStorageRow = Selectable<ProxmoxStorageTable>;
