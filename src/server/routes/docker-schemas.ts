import { Type } from '@sinclair/typebox';
import { Nullable } from '../schemas.js';

const Ts = Nullable(Type.String());

export const DockerHostSummarySchema = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  host: Ts,
  transport: Type.String(),
  status: Type.String(),
  docker_enabled: Type.Boolean(),
  docker_status: Type.String({ description: 'online | error | unreachable | unknown' }),
  docker_status_reason: Ts,
  docker_version: Ts,
  docker_last_collect_at: Ts,
  containers_running: Type.Integer(),
  containers_total: Type.Integer(),
  open_alerts: Type.Integer(),
  capabilities: Type.Object(
    {
      redeploy: Type.Boolean({ description: 'redeploy a compose service (pull + recreate)' }),
      compose_actions: Type.Boolean({ description: 'start/stop/restart a whole compose project' }),
      host_metrics: Type.Boolean({ description: 'uptime, load, memory and disk of the machine' }),
      prune: Type.Array(Type.Union([Type.Literal('containers'), Type.Literal('images'), Type.Literal('volumes'), Type.Literal('networks')])),
      live_logs: Type.Boolean({ description: 'follow a container output live' }),
    },
    { description: "what this host's Docker engine can do; the UI offers only these" },
  ),
});

export const PortSchema = Type.Object({
  ip: Ts,
  public_port: Nullable(Type.Integer()),
  private_port: Type.Integer(),
  type: Type.String(),
});

export const ContainerSchema = Type.Object({
  id: Type.Integer(),
  host_id: Type.Integer(),
  container_id: Type.String(),
  name: Type.String(),
  image: Type.String(),
  state: Type.String(),
  status: Type.String(),
  health: Type.String(),
  created_at: Ts,
  started_at: Ts,
  finished_at: Ts,
  exit_code: Nullable(Type.Integer()),
  oom_killed: Type.Boolean(),
  restart_count: Type.Integer(),
  command: Ts,
  ports: Type.Array(PortSchema),
  labels: Type.Record(Type.String(), Type.String()),
  compose_project: Ts,
  compose_service: Ts,
  ip_address: Ts,
  mac_address: Ts,
  gateway: Ts,
  networks: Type.Array(Type.String()),
  stale: Type.Boolean(),
  last_update_at: Type.String(),
});

export const ImageSchema = Type.Object({
  id: Type.Integer(),
  host_id: Type.Integer(),
  image_id: Type.String(),
  repo_tags: Type.Array(Type.String()),
  size: Type.Number(),
  created: Ts,
  containers: Type.Integer(),
  last_update_at: Type.String(),
});

export const VolumeSchema = Type.Object({
  id: Type.Integer(),
  host_id: Type.Integer(),
  name: Type.String(),
  driver: Type.String(),
  mountpoint: Ts,
  scope: Ts,
  labels: Type.Record(Type.String(), Type.String()),
  last_update_at: Type.String(),
});

export const NetworkSchema = Type.Object({
  id: Type.Integer(),
  host_id: Type.Integer(),
  network_id: Type.String(),
  name: Type.String(),
  driver: Type.String(),
  scope: Type.String(),
  internal: Type.Boolean(),
  subnet: Ts,
  containers: Type.Array(Type.String()),
  last_update_at: Type.String(),
});

export const EventSchema = Type.Object({
  id: Type.Integer(),
  host_id: Type.Integer(),
  time: Type.String(),
  kind: Type.String({ description: 'docker (from docker events) | action (ours)' }),
  type: Type.String(),
  action: Type.String(),
  target_id: Ts,
  target_name: Ts,
  message: Ts,
  task_id: Nullable(Type.Integer()),
});

const N = Nullable(Type.Number());
export const StatsSchema = Type.Object({
  container_id: Type.String(),
  name: Type.String(),
  cpu_percent: N,
  mem_used_bytes: N,
  mem_limit_bytes: N,
  mem_percent: N,
  net_rx_bytes: N,
  net_tx_bytes: N,
  block_read_bytes: N,
  block_write_bytes: N,
  pids: N,
});

export const CollectResultSchema = Type.Object({
  host_id: Type.Integer(),
  docker_status: Type.String(),
  docker_version: Ts,
  containers: Type.Integer(),
  running: Type.Integer(),
  images: Type.Integer(),
  volumes: Type.Integer(),
  networks: Type.Integer(),
  inspected: Type.Integer(),
  round_trips: Type.Integer(),
  duration_ms: Type.Integer(),
  errors: Type.Array(Type.Object({ section: Type.String(), message: Type.String() })),
});

export const LogLineSchema = Type.Object({ ts: Ts, stream: Type.String(), text: Type.String() });
