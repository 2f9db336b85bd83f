/**
 * Typed calls of the dashboard API. The shapes are the server's own: Static<> types of the TypeBox schemas in
 * src/contract/ (re-exported by src/core/types.ts), imported as types only, so a change of the contract is a type
 * error here rather than a silent drift.
 */
import type {
  ActionResult,
  Alert,
  ApiToken,
  ChannelKindInfo,
  ChannelTestResult,
  CheckResult,
  CollectResult,
  ComposeResult,
  ContainerStats,
  DockerContainer,
  DockerEvent,
  DockerHostSummary,
  DockerImage,
  DockerNetwork,
  DockerVolume,
  EnableResult,
  Health,
  Host,
  HostInput,
  ImportResult,
  LogLine,
  LoginResult,
  Me,
  NotificationChannel,
  PruneOptions,
  PruneResult,
  Role,
  Silence,
  SilenceInput,
  SshSettings,
  Task,
  TokenCreated,
  User,
  CapturedLine,
  ContainerSettings,
  LogCapture,
  PortainerEndpointInfo,
  PortainerServer,
  PortainerServerInput,
  PortainerServerPatch,
  PortainerSyncResult,
  PortainerTestResult,
  DockerHostHealth,
  HealthDetails,
  PortainerServerHealth,
} from '../../../src/core/types';
import type { HttpClient } from './http';

export type PortainerEndpoint = PortainerEndpointInfo;
export type {
  CapturedLine,
  ContainerSettings,
  LogCapture,
  PortainerServer,
  PortainerServerInput,
  PortainerServerPatch,
  PortainerSyncResult,
  PortainerTestResult,
};
export type { DockerHostHealth, HealthDetails, PortainerServerHealth };
export interface LogSearch { q?: string; host_id?: number; container?: string; stream?: 'stdout' | 'stderr'; since?: string; until?: string; limit?: number }

export type { CheckResult, CollectResult, ContainerStats, Me, PruneOptions, PruneResult, Silence };
export type Channel = NotificationChannel;
export type ChannelKind = ChannelKindInfo;
export type ContainerAction = 'start' | 'stop' | 'restart' | 'pause' | 'unpause' | 'kill' | 'remove' | 'redeploy';
export type ComposeAction = 'start' | 'stop' | 'restart';

const enc = encodeURIComponent;

export class Api {
  constructor(readonly http: HttpClient) {}

  // auth
  login(username: string, password: string) {
    return this.http.anonymous<LoginResult>('POST', '/api/auth/login', { username, password });
  }
  me() { return this.http.get<Me>('/api/auth/me'); }
  /** Ends this session on the server (its JWT is refused from now on, its WebSockets close). */
  logout() { return this.http.once<null>('POST', '/api/auth/logout'); }
  health() { return this.http.anonymous<Health>('GET', '/api/health'); }

  // users & tokens
  users() { return this.http.get<{ users: User[] }>('/api/users'); }
  createUser(body: { username: string; password: string; role: Role }) { return this.http.post<User>('/api/users', body); }
  updateUser(id: number, body: { password?: string; role?: Role }) { return this.http.patch<User>(`/api/users/${id}`, body); }
  deleteUser(id: number) { return this.http.delete<unknown>(`/api/users/${id}`); }
  tokens() { return this.http.get<{ tokens: ApiToken[] }>('/api/tokens'); }
  createToken(body: { name: string; role?: Role; expires_in_days?: number }) {
    return this.http.post<TokenCreated>('/api/tokens', body);
  }
  deleteToken(id: number) { return this.http.delete<unknown>(`/api/tokens/${id}`); }

  // hosts
  hosts() { return this.http.get<{ hosts: Host[] }>('/api/hosts'); }
  createHost(body: HostInput) { return this.http.post<Host>('/api/hosts', body); }
  updateHost(id: number, body: Partial<HostInput>) { return this.http.patch<Host>(`/api/hosts/${id}`, body); }
  deleteHost(id: number) { return this.http.delete<unknown>(`/api/hosts/${id}`); }
  checkHost(id: number) { return this.http.post<CheckResult>(`/api/hosts/${id}/check`); }
  forgetHostKey(id: number) { return this.http.post<Host>(`/api/hosts/${id}/forget-host-key`); }
  importHosts(content: string) { return this.http.post<ImportResult>('/api/hosts/import', { content }); }
  sshSettings() { return this.http.get<SshSettings>('/api/settings/ssh'); }

  // tasks
  tasks(q: { status?: string; host_id?: number | ''; action?: string; limit?: number } = {}) {
    return this.http.get<{ tasks: Task[] }>('/api/tasks', q);
  }

  // docker
  dockerHosts() { return this.http.get<{ hosts: DockerHostSummary[] }>('/api/docker/hosts'); }
  enableDocker(id: number) { return this.http.post<EnableResult>(`/api/docker/hosts/${id}/enable`); }
  disableDocker(id: number) { return this.http.post<EnableResult>(`/api/docker/hosts/${id}/disable`); }
  collect(id: number) { return this.http.post<CollectResult>(`/api/docker/hosts/${id}/collect`); }
  containers(id: number) { return this.http.get<{ containers: DockerContainer[] }>(`/api/docker/hosts/${id}/containers`); }
  images(id: number) { return this.http.get<{ images: DockerImage[] }>(`/api/docker/hosts/${id}/images`); }
  volumes(id: number) { return this.http.get<{ volumes: DockerVolume[] }>(`/api/docker/hosts/${id}/volumes`); }
  networks(id: number) { return this.http.get<{ networks: DockerNetwork[] }>(`/api/docker/hosts/${id}/networks`); }
  events(id: number) { return this.http.get<{ events: DockerEvent[] }>(`/api/docker/hosts/${id}/events`); }
  stats(id: number) { return this.http.get<{ stats: ContainerStats[] }>(`/api/docker/hosts/${id}/stats`); }
  /** Stats of one container only (cheaper than the whole host's snapshot). */
  containerStats(hostId: number, containerId: string) {
    return this.http.get<{ stats: ContainerStats[] }>(`/api/docker/containers/${hostId}/${enc(containerId)}/stats`);
  }
  containerAction(hostId: number, containerId: string, action: ContainerAction, query?: { force?: boolean; volumes?: boolean }) {
    return this.http.post<ActionResult>(`/api/docker/containers/${hostId}/${enc(containerId)}/${action}`, undefined, query);
  }
  logs(hostId: number, containerId: string, tail: number) {
    return this.http.get<{ lines: LogLine[] }>(`/api/docker/containers/${hostId}/${enc(containerId)}/logs`, { tail, timestamps: true });
  }
  inspect(hostId: number, containerId: string) {
    return this.http.get<Record<string, unknown>>(`/api/docker/containers/${hostId}/${enc(containerId)}/inspect`);
  }
  composeAction(hostId: number, project: string, action: ComposeAction) {
    return this.http.post<ComposeResult>(`/api/docker/hosts/${hostId}/compose/${enc(project)}/${action}`);
  }
  containerSettings(hostId: number, containerId: string, log_capture: LogCapture) {
    return this.http.patch<ContainerSettings>(`/api/docker/containers/${hostId}/${enc(containerId)}/settings`, { log_capture });
  }
  prune(hostId: number, body: PruneOptions) { return this.http.post<PruneResult>(`/api/docker/hosts/${hostId}/prune`, body); }

  // portainer
  portainerServers() { return this.http.get<{ servers: PortainerServer[] }>('/api/portainer/servers'); }
  createPortainerServer(body: PortainerServerInput) { return this.http.post<PortainerServer>('/api/portainer/servers', body); }
  updatePortainerServer(id: number, body: PortainerServerPatch) { return this.http.patch<PortainerServer>(`/api/portainer/servers/${id}`, body); }
  deletePortainerServer(id: number) { return this.http.delete<unknown>(`/api/portainer/servers/${id}`); }
  testPortainerServer(id: number) { return this.http.post<PortainerTestResult>(`/api/portainer/servers/${id}/test`); }
  syncPortainerServer(id: number) { return this.http.post<PortainerSyncResult>(`/api/portainer/servers/${id}/sync`); }
  portainerEndpoints(id: number) { return this.http.get<{ endpoints: PortainerEndpoint[] }>(`/api/portainer/servers/${id}/endpoints`); }

  // health page
  healthDetails() { return this.http.get<HealthDetails>('/api/health/details'); }

  // captured logs
  searchLogs(q: LogSearch) { return this.http.get<{ lines: CapturedLine[] }>('/api/logs', q as Record<string, string | number | undefined>); }

  // alerts
  alerts(q: { host_id?: number; state?: 'open' | 'acknowledged' | 'closed' | 'all' } = {}) {
    return this.http.get<{ alerts: Alert[] }>('/api/alerts', q);
  }
  dockerAlerts(q: { host_id?: number; state?: 'open' | 'acknowledged' | 'closed' | 'all' } = {}) {
    return this.http.get<{ alerts: Alert[] }>('/api/docker/alerts', q);
  }
  ackAlert(id: number, comment?: string) {
    return this.http.post<Alert>(`/api/docker/alerts/${id}/ack`, comment ? { comment } : {});
  }
  silences() { return this.http.get<{ silences: Silence[] }>('/api/silences'); }
  createSilence(body: SilenceInput) {
    return this.http.post<Silence>('/api/silences', body);
  }
  deleteSilence(id: number) { return this.http.delete<unknown>(`/api/silences/${id}`); }

  // notifications
  channels() { return this.http.get<{ channels: Channel[] }>('/api/notifications/channels'); }
  channelKinds() { return this.http.get<{ kinds: ChannelKind[] }>('/api/notifications/kinds'); }
  createChannel(body: Record<string, unknown>) { return this.http.post<Channel>('/api/notifications/channels', body); }
  updateChannel(id: number, body: Record<string, unknown>) { return this.http.patch<Channel>(`/api/notifications/channels/${id}`, body); }
  deleteChannel(id: number) { return this.http.delete<unknown>(`/api/notifications/channels/${id}`); }
  testChannel(id: number) { return this.http.post<ChannelTestResult>(`/api/notifications/channels/${id}/test`); }
}
