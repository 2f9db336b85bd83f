/**
 * Domain types shared by services, routes and the UI (type-only imports from web/).
 * These are the API shapes: the JSON the server answers is exactly these objects. Each is the Static<> of its
 * TypeBox schema in src/contract/, the single source of the contract: change the schema, never a type here.
 * Timestamps are ISO-8601 strings in UTC (e.g. "2026-11-22T02:31:59.000Z") or null.
 */
import type { Static } from '@sinclair/typebox';
import type {
  AlertSchema,
  AlertSeveritySchema,
  AlertSourceSchema,
  AlertStateSchema,
  AlertSubjectSchema,
  SilenceBody,
  SilenceSchema,
} from '../contract/alerts.js';
import type { ErrorSchema } from '../contract/common.js';
import type {
  ActionResultSchema,
  CollectResultSchema,
  ComposeResultSchema,
  ContainerHealthSchema,
  ContainerSchema,
  DockerCapabilitiesSchema,
  DockerHostSummarySchema,
  EnableResultSchema,
  EventSchema,
  ImageSchema,
  LogLineSchema,
  NetworkSchema,
  PortSchema,
  PruneBody,
  PruneResultSchema,
  StatsSchema,
  VolumeSchema,
} from '../contract/docker.js';
import type {
  CheckResultSchema,
  DockerStatusSchema,
  HostBody,
  HostMetricsSchema,
  HostSchema,
  HostStatusSchema,
  HostTransportSchema,
  ImportResultSchema,
} from '../contract/hosts.js';
import type { ChannelKindSchema, ChannelSchema, ChannelTestResultSchema } from '../contract/notifications.js';
import type { ContainerSettingsSchema, LogCaptureSchema, LogSearchResultSchema } from '../contract/logs.js';
import type {
  PortainerEndpointSchema,
  PortainerServerCreateBody,
  PortainerServerPatchBody,
  PortainerServerSchema,
  PortainerSyncResultSchema,
  PortainerTestResultSchema,
} from '../contract/portainer.js';
import type { ProxmoxClusterCreateBody, ProxmoxClusterPatchBody, ProxmoxClusterSchema, ProxmoxTestResultSchema } from '../contract/proxmox.js';
import type {
  ProxmoxBackupSchema,
  ProxmoxGuestDetailSchema,
  ProxmoxGuestSchema,
  ProxmoxNodeSchema,
  ProxmoxRrdSchema,
  ProxmoxSnapshotSchema,
  ProxmoxStorageSchema,
  ProxmoxSyncResultSchema,
  ProxmoxTimeframeQuery,
} from '../contract/proxmox-inventory.js';
import type {
  ProxmoxActionResultSchema,
  ProxmoxBackupBody,
  ProxmoxBackupResultSchema,
  ProxmoxGuestActionSchema,
  ProxmoxSnapshotBody,
  ProxmoxSnapshotResultSchema,
} from '../contract/proxmox-actions.js';
import type { HealthSchema, SshSettingsSchema } from '../contract/system.js';
import type { DockerHostHealthSchema, EventsStreamStateSchema, HealthDetailsSchema, PortainerServerHealthSchema } from '../contract/health.js';
import type { TaskSchema, TaskStatusSchema } from '../contract/tasks.js';
import type { ApiTokenSchema, LoginResultSchema, MeSchema, RoleSchema, TokenCreatedSchema, UserSchema } from '../contract/users.js';

export type ApiError = Static<typeof ErrorSchema>;

export type Role = Static<typeof RoleSchema>;
export const ROLES: readonly Role[] = ['viewer', 'operator', 'admin'];

export type User = Static<typeof UserSchema>;
/** `prefix`: the token's first characters, to recognise it (the token itself is shown once); `role`: at most its owner's. */
export type ApiToken = Static<typeof ApiTokenSchema>;
export type TokenCreated = Static<typeof TokenCreatedSchema>;
export type LoginResult = Static<typeof LoginResultSchema>;
export type Me = Static<typeof MeSchema>;
export type Health = Static<typeof HealthSchema>;
export type SshSettings = Static<typeof SshSettingsSchema>;

export type HostStatus = Static<typeof HostStatusSchema>;
export type HostTransport = Static<typeof HostTransportSchema>;
export type DockerStatus = Static<typeof DockerStatusSchema>;
export type HostMetrics = Static<typeof HostMetricsSchema>;
/** `host`: address or DNS name; `ssh_host_key`: "SHA256:..." once pinned; `groups`: set by an admin, from the Ansible groups or a Portainer default group. */
export type Host = Static<typeof HostSchema>;
export type HostInput = Static<typeof HostBody>;
export type CheckResult = Static<typeof CheckResultSchema>;
export type ImportResult = Static<typeof ImportResultSchema>;

export type TaskStatus = Static<typeof TaskStatusSchema>;
/** `action`: e.g. "docker.container.stop", "docker.prune"; `requested_by`: a username, or "system". */
export type Task = Static<typeof TaskSchema>;

/** `ip`: the host ip, null when not published. */
export type PortMapping = Static<typeof PortSchema>;
/** The states Docker reports; the API's `state` stays an open string (whatever Docker says is shown). */
export type ContainerState = 'created' | 'running' | 'paused' | 'restarting' | 'removing' | 'exited' | 'dead';
export type ContainerHealth = Static<typeof ContainerHealthSchema>;
/** `id`: our row id; `container_id`: the full 64-hex id; `stale`: true while the host's docker is unreachable. */
export type DockerContainer = Static<typeof ContainerSchema>;
/** `containers`: how many containers use the image (from ps). */
export type DockerImage = Static<typeof ImageSchema>;
export type DockerVolume = Static<typeof VolumeSchema>;
/** `containers`: names of the containers attached. */
export type DockerNetwork = Static<typeof NetworkSchema>;
/** `kind`: docker (from docker events) or action (ours, with its task_id). */
export type DockerEvent = Static<typeof EventSchema>;
export type DockerHostSummary = Static<typeof DockerHostSummarySchema>;
export type DockerCapabilities = Static<typeof DockerCapabilitiesSchema>;
export type LogLine = Static<typeof LogLineSchema>;
export type ContainerStats = Static<typeof StatsSchema>;
/** One collection: counts, duration, and the sections that failed (`errors`: `{section, message}` each). */
export type CollectResult = Static<typeof CollectResultSchema>;
export type EnableResult = Static<typeof EnableResultSchema>;
export type ActionResult = Static<typeof ActionResultSchema>;
export type ComposeResult = Static<typeof ComposeResultSchema>;
export type PruneOptions = Static<typeof PruneBody>;
export type PruneResult = Static<typeof PruneResultSchema>;

export type AlertSource = Static<typeof AlertSourceSchema>;
export type AlertSeverity = Static<typeof AlertSeveritySchema>;
export type AlertState = Static<typeof AlertStateSchema>;
/** `target`: unique key of what is alerted on, e.g. "docker:3:nginx:down" or "host:3:offline". */
/**
 * The thing an alert is about. `key` is stable and unique across sources (`docker:3:nginx`, `host:3`); an alert's
 * target is its subject key plus the rule (`docker:3:nginx:down`). `scope` is the key of what the subject belongs
 * to (a host today, a Portainer server or Proxmox cluster later): a silence on a scope covers every subject in it.
 */
export type AlertSubject = Static<typeof AlertSubjectSchema>;
export type AlertSubjectKind = AlertSubject['kind'];
export type Alert = Static<typeof AlertSchema>;
/** A maintenance window: alerts still open and show; their notifications wait until `until`. */
export type Silence = Static<typeof SilenceSchema>;
export type SilenceInput = Static<typeof SilenceBody>;

/** A notification channel as the API returns it: never a secret, only which secrets are set. */
export type NotificationChannel = Static<typeof ChannelSchema>;
export type ChannelKindInfo = Static<typeof ChannelKindSchema>;
/** One config field of a channel kind, for building a form. */
export type ChannelField = ChannelKindInfo['fields'][number];
export type ChannelTestResult = Static<typeof ChannelTestResultSchema>;

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
  | { type: 'portainer_server_updated'; server: PortainerServer }
  | { type: 'portainer_server_removed'; server_id: number }
  | { type: 'logs'; subscription: string; lines: LogLine[] }
  | { type: 'error'; error: string; message: string };

export type PortainerServer = Static<typeof PortainerServerSchema>;
export type PortainerServerInput = Static<typeof PortainerServerCreateBody>;
export type PortainerServerPatch = Static<typeof PortainerServerPatchBody>;
export type PortainerTestResult = Static<typeof PortainerTestResultSchema>;
export type PortainerSyncResult = Static<typeof PortainerSyncResultSchema>;
export type PortainerEndpointInfo = Static<typeof PortainerEndpointSchema>;
export type ProxmoxCluster = Static<typeof ProxmoxClusterSchema>;
export type ProxmoxClusterInput = Static<typeof ProxmoxClusterCreateBody>;
export type ProxmoxClusterPatch = Static<typeof ProxmoxClusterPatchBody>;
export type ProxmoxTestResult = Static<typeof ProxmoxTestResultSchema>;
export type ProxmoxNode = Static<typeof ProxmoxNodeSchema>;
export type ProxmoxGuest = Static<typeof ProxmoxGuestSchema>;
export type ProxmoxGuestDetail = Static<typeof ProxmoxGuestDetailSchema>;
export type ProxmoxSnapshot = Static<typeof ProxmoxSnapshotSchema>;
export type ProxmoxBackup = Static<typeof ProxmoxBackupSchema>;
export type ProxmoxStorage = Static<typeof ProxmoxStorageSchema>;
export type ProxmoxSyncResult = Static<typeof ProxmoxSyncResultSchema>;
export type ProxmoxRrd = Static<typeof ProxmoxRrdSchema>;
export type ProxmoxTimeframe = NonNullable<Static<typeof ProxmoxTimeframeQuery>['timeframe']>;
export type ProxmoxGuestAction = Static<typeof ProxmoxGuestActionSchema>;
export type ProxmoxActionResult = Static<typeof ProxmoxActionResultSchema>;
export type ProxmoxSnapshotInput = Static<typeof ProxmoxSnapshotBody>;
export type ProxmoxSnapshotResult = Static<typeof ProxmoxSnapshotResultSchema>;
export type ProxmoxBackupInput = Static<typeof ProxmoxBackupBody>;
export type ProxmoxBackupResult = Static<typeof ProxmoxBackupResultSchema>;

export type EventsStreamState = Static<typeof EventsStreamStateSchema>;
export type DockerHostHealth = Static<typeof DockerHostHealthSchema>;
export type PortainerServerHealth = Static<typeof PortainerServerHealthSchema>;
export type HealthDetails = Static<typeof HealthDetailsSchema>;
export type LogCapture = Static<typeof LogCaptureSchema>;
export type ContainerSettings = Static<typeof ContainerSettingsSchema>;
export type CapturedLine = Static<typeof LogSearchResultSchema>['lines'][number];
