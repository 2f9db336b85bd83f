import { Type } from '@sinclair/typebox';
import { Nullable } from './common.js';
import { DockerStatusSchema, HostGroupsSchema, HostStatusSchema, HostTransportSchema } from './hosts.js';
import { LogCaptureSchema } from './logs.js';

const Ts = Nullable(Type.String());

export const DockerCapabilitiesSchema = Type.Object(
  {
    redeploy: Type.Boolean({ description: 'redeploy a compose service (pull + recreate)' }),
    compose_actions: Type.Boolean({ description: 'start/stop/restart a whole compose project' }),
    host_metrics: Type.Boolean({ description: 'uptime, load, memory and disk of the machine' }),
    prune: Type.Array(Type.Union([Type.Literal('containers'), Type.Literal('images'), Type.Literal('volumes'), Type.Literal('networks')])),
    live_logs: Type.Boolean({ description: 'follow a container output live' }),
  },
  { description: "what this host's Docker engine can do; the UI offers only these (src/providers/docker/engine.ts)" },
);

export const DockerHostSummarySchema = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  host: Nullable(Type.String({ description: 'address of an SSH host; null for kinds that have none' })),
  transport: HostTransportSchema,
  status: HostStatusSchema,
  groups: HostGroupsSchema,
  docker_enabled: Type.Boolean(),
  docker_status: DockerStatusSchema,
  docker_status_reason: Ts,
  docker_version: Ts,
  docker_last_collect_at: Ts,
  containers_running: Type.Integer(),
  containers_total: Type.Integer(),
  open_alerts: Type.Integer(),
  capabilities: DockerCapabilitiesSchema,
});

export const PortSchema = Type.Object({
  ip: Ts,
  public_port: Nullable(Type.Integer()),
  private_port: Type.Integer(),
  type: Type.Union([Type.Literal('tcp'), Type.Literal('udp'), Type.Literal('sctp')]),
});

export const ContainerHealthSchema = Type.Union([Type.Literal('healthy'), Type.Literal('unhealthy'), Type.Literal('starting'), Type.Literal('none')]);

export const ContainerSchema = Type.Object({
  id: Type.Integer(),
  host_id: Type.Integer(),
  container_id: Type.String(),
  name: Type.String(),
  image: Type.String(),
  state: Type.String({ description: 'created | running | paused | restarting | removing | exited | dead (as Docker says it)' }),
  status: Type.String(),
  health: ContainerHealthSchema,
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
  log_capture: LogCaptureSchema,
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
  kind: Type.Union([Type.Literal('docker'), Type.Literal('action')], { description: 'docker (from docker events) | action (ours)' }),
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
  docker_status: Type.Union([Type.Literal('online'), Type.Literal('error'), Type.Literal('unreachable')]),
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

export const LogLineSchema = Type.Object({ ts: Ts, stream: Type.Union([Type.Literal('stdout'), Type.Literal('stderr')]), text: Type.String() });

export const EnableResultSchema = Type.Object({ host: DockerHostSummarySchema, collect: Type.Union([CollectResultSchema, Type.Null()]) });

export const ContainerQuery = Type.Object({
  state: Type.Optional(Type.String({ maxLength: 20 })),
  compose_project: Type.Optional(Type.String({ maxLength: 128 })),
  label: Type.Optional(Type.String({ maxLength: 256, description: 'key or key=value' })),
});

export const ComposeParams = Type.Object({
  id: Type.Integer({ minimum: 1 }),
  project: Type.String({ maxLength: 300 }),
  action: Type.Union([Type.Literal('start'), Type.Literal('stop'), Type.Literal('restart')]),
});

export const ComposeResultSchema = Type.Object({ success: Type.Literal(true), task_id: Type.Integer(), output: Type.String() });

export const PruneBody = Type.Object({
  images: Type.Optional(Type.Union([Type.Boolean(), Type.Literal('all')])),
  containers: Type.Optional(Type.Boolean()),
  volumes: Type.Optional(Type.Boolean()),
  networks: Type.Optional(Type.Boolean()),
});

export const PruneResultSchema = Type.Object({ success: Type.Literal(true), task_id: Type.Integer(), reclaimed_bytes: Type.Number(), kinds: Type.Record(Type.String(), Type.Unknown()), output: Type.String() });

// container_id is checked against Docker's grammar by the service (422 with the reason), not only by a pattern here.
export const ContainerRef = Type.Object({ host_id: Type.Integer({ minimum: 1 }), container_id: Type.String({ minLength: 1, maxLength: 300 }) });

export const ActionResultSchema = Type.Object({ success: Type.Literal(true), task_id: Type.Integer(), container: Nullable(ContainerSchema) });

export const LogsQuery = Type.Object({
  tail: Type.Integer({ minimum: 1, maximum: 5000, default: 200 }),
  since: Type.Optional(Type.String({ maxLength: 40, description: 'RFC 3339 time, unix seconds, or a duration like 10m' })),
  timestamps: Type.Boolean({ default: true }),
});

export const InspectSchema = Type.Record(Type.String(), Type.Unknown());

// The list answers, each an object with one array (room for paging fields without breaking clients).
export const LogLinesSchema = Type.Object({ lines: Type.Array(LogLineSchema) });
export const StatsListSchema = Type.Object({ stats: Type.Array(StatsSchema) });
export const DockerHostListSchema = Type.Object({ hosts: Type.Array(DockerHostSummarySchema) });
export const ContainerListSchema = Type.Object({ containers: Type.Array(ContainerSchema) });
export const ImageListSchema = Type.Object({ images: Type.Array(ImageSchema) });
export const VolumeListSchema = Type.Object({ volumes: Type.Array(VolumeSchema) });
export const NetworkListSchema = Type.Object({ networks: Type.Array(NetworkSchema) });
export const EventListSchema = Type.Object({ events: Type.Array(EventSchema) });
