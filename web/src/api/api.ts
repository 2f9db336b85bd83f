/** Typed calls of the dashboard API (shapes: src/core/types.ts and the issues' contract). */
import type {
  Alert,
  ApiToken,
  DockerContainer,
  DockerEvent,
  DockerHostSummary,
  DockerImage,
  DockerNetwork,
  DockerVolume,
  Host,
  LogLine,
  Role,
  Task,
  User,
} from '../../../src/core/types';
import type { HttpClient } from './http';

export interface LoginResult { access_token: string; token_type: 'bearer'; expires_in: number }
export interface Me { id: number; username: string; role: Role }
export interface Health { status: string; version: string; uptime_s: number; database: string }
export interface CheckResult { status: string; host_key_fingerprint: string | null; uname: string }
export interface ImportResult { created: number; updated: number; skipped: number }
export interface SshSettings { user: string; public_key: string }
export interface CollectResult {
  host_id: number; containers: number; images: number; volumes: number; networks: number;
  duration_ms: number; errors: string[];
}
export interface ContainerStats {
  container_id: string; name: string; cpu_percent: number; mem_used_bytes: number; mem_limit_bytes: number;
  mem_percent: number; net_rx_bytes: number; net_tx_bytes: number; block_read_bytes: number;
  block_write_bytes: number; pids: number;
}
export interface ActionResult { success: boolean; task_id: number; container: DockerContainer | null }
export interface PruneOptions { images: boolean; containers: boolean; volumes: boolean; networks: boolean }
export interface PruneResult { reclaimed_bytes: number; output: string }
export interface Silence {
  id: number; host_id: number; container_name: string | null; until: string; reason: string | null; created_by: string;
}
export interface ChannelField { name: string; type: string; secret: boolean; required: boolean; default?: unknown }
export interface ChannelKind { kind: string; label: string; fields: ChannelField[] }
export interface Channel {
  id: number; name: string; kind: string; enabled: boolean;
  config: Record<string, unknown>;
  /** Which secret fields have a value stored (the values themselves are never returned). */
  secrets_set: string[];
  notify_resolved: boolean; last_success_at: string | null; last_error: string | null; last_error_at: string | null;
}
export type ContainerAction = 'start' | 'stop' | 'restart' | 'pause' | 'unpause' | 'kill' | 'remove' | 'redeploy';
export type ComposeAction = 'start' | 'stop' | 'restart';
export type HostInput = { name: string; host: string; port?: number; username?: string; os_type?: string | null };

const enc = encodeURIComponent;

export class Api {
  constructor(readonly http: HttpClient) {}

  // auth
  login(username: string, password: string) {
    return this.http.anonymous<LoginResult>('POST', '/api/auth/login', { username, password });
  }
  me() { return this.http.get<Me>('/api/auth/me'); }
  health() { return this.http.anonymous<Health>('GET', '/api/health'); }

  // users & tokens
  users() { return this.http.get<{ users: User[] }>('/api/users'); }
  createUser(body: { username: string; password: string; role: Role }) { return this.http.post<User>('/api/users', body); }
  updateUser(id: number, body: { password?: string; role?: Role }) { return this.http.patch<User>(`/api/users/${id}`, body); }
  deleteUser(id: number) { return this.http.delete<unknown>(`/api/users/${id}`); }
  tokens() { return this.http.get<{ tokens: ApiToken[] }>('/api/tokens'); }
  createToken(body: { name: string; role?: Role; expires_in_days?: number }) {
    return this.http.post<{ token: ApiToken; secret: string }>('/api/tokens', body);
  }
  deleteToken(id: number) { return this.http.delete<unknown>(`/api/tokens/${id}`); }

  // hosts
  hosts() { return this.http.get<{ hosts: Host[] }>('/api/hosts'); }
  createHost(body: HostInput) { return this.http.post<Host>('/api/hosts', body); }
  updateHost(id: number, body: Partial<HostInput>) { return this.http.patch<Host>(`/api/hosts/${id}`, body); }
  deleteHost(id: number) { return this.http.delete<unknown>(`/api/hosts/${id}`); }
  checkHost(id: number) { return this.http.post<CheckResult>(`/api/hosts/${id}/check`); }
  forgetHostKey(id: number) { return this.http.post<unknown>(`/api/hosts/${id}/forget-host-key`); }
  importHosts(content: string) { return this.http.post<ImportResult>('/api/hosts/import', { content }); }
  sshSettings() { return this.http.get<SshSettings>('/api/settings/ssh'); }

  // tasks
  tasks(q: { status?: string; host_id?: number | ''; action?: string; limit?: number } = {}) {
    return this.http.get<{ tasks: Task[] }>('/api/tasks', q);
  }

  // docker
  dockerHosts() { return this.http.get<{ hosts: DockerHostSummary[] }>('/api/docker/hosts'); }
  enableDocker(id: number) { return this.http.post<unknown>(`/api/docker/hosts/${id}/enable`); }
  disableDocker(id: number) { return this.http.post<unknown>(`/api/docker/hosts/${id}/disable`); }
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
    return this.http.get<unknown>(`/api/docker/containers/${hostId}/${enc(containerId)}/inspect`);
  }
  composeAction(hostId: number, project: string, action: ComposeAction) {
    return this.http.post<unknown>(`/api/docker/hosts/${hostId}/compose/${enc(project)}/${action}`);
  }
  prune(hostId: number, body: PruneOptions) { return this.http.post<PruneResult>(`/api/docker/hosts/${hostId}/prune`, body); }

  // alerts
  alerts(q: { host_id?: number; state?: 'open' | 'acknowledged' | 'closed' | 'all' } = {}) {
    return this.http.get<{ alerts: Alert[] }>('/api/alerts', q);
  }
  dockerAlerts(q: { host_id?: number; state?: 'open' | 'acknowledged' | 'closed' | 'all' } = {}) {
    return this.http.get<{ alerts: Alert[] }>('/api/docker/alerts', q);
  }
  ackAlert(id: number, comment?: string) {
    return this.http.post<Alert | { alert: Alert }>(`/api/docker/alerts/${id}/ack`, comment ? { comment } : {});
  }
  silences() { return this.http.get<{ silences: Silence[] }>('/api/silences'); }
  createSilence(body: { host_id: number; container_name?: string; duration_minutes: number; reason?: string }) {
    return this.http.post<Silence>('/api/silences', body);
  }
  deleteSilence(id: number) { return this.http.delete<unknown>(`/api/silences/${id}`); }

  // notifications
  channels() { return this.http.get<{ channels: Channel[] }>('/api/notifications/channels'); }
  channelKinds() { return this.http.get<{ kinds: ChannelKind[] }>('/api/notifications/kinds'); }
  createChannel(body: Record<string, unknown>) { return this.http.post<Channel>('/api/notifications/channels', body); }
  updateChannel(id: number, body: Record<string, unknown>) { return this.http.patch<Channel>(`/api/notifications/channels/${id}`, body); }
  deleteChannel(id: number) { return this.http.delete<unknown>(`/api/notifications/channels/${id}`); }
  testChannel(id: number) { return this.http.post<unknown>(`/api/notifications/channels/${id}/test`); }
}
