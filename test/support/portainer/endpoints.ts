// Environments (endpoints) of the Portainer simulator (reference §4): their JSON object (§4.4), snapshots computed from
// a real dockerd with Portainer's own counting rules and the 2.20-2.33 health bug (§4.5), and the list filters (§4.2).
import type { VersionFeatures } from './http.js';
import { dockerJson } from './http.js';

/** §4.1: 1 Docker, 2 agent, 3 Azure, 4 Edge agent, 5 local Kubernetes, 6 agent on Kubernetes, 7 Edge on Kubernetes. */
export type EndpointType = 1 | 2 | 3 | 4 | 5 | 6 | 7;
const DOCKER_TYPES = new Set<EndpointType>([1, 2, 4]);

export interface SimEndpointSpec {
  id?: number;
  name: string;
  type: EndpointType;
  /** Initial state: 'down' makes the engine unreachable and Status 2 (default 'up'). */
  status?: 'up' | 'down';
  /** Unix socket of a REAL dockerd (path or unix:// URL) that `/docker/...` is proxied to; Docker types only. */
  socketPath?: string;
  /** The URL Portainer shows; defaults by type (the socket URL for type 1, tcp://…:9001 for agents). */
  url?: string;
  publicUrl?: string;
  groupId?: number;
  tagIds?: number[];
  engine?: 'docker' | 'podman';
  /** false: never snapshotted, so `Snapshots: []` (default: snapshotted at start when up and backed by a socket). */
  snapshot?: boolean;
  /** Standard users (by name) granted this environment; administrators see every environment. */
  access?: string[];
  /** Standard user name -> container names they hold a resource control on (the others answer 403). */
  grants?: Record<string, string[]>;
  /** Agent node name added to container list items of type 2 (`Portainer.Agent.NodeName`). */
  agentNode?: string;
}

export interface SimEndpoint {
  id: number;
  name: string;
  type: EndpointType;
  socketPath?: string;
  url: string;
  publicUrl: string;
  groupId: number;
  tagIds: number[];
  engine: 'docker' | 'podman';
  /** Whether the engine answers (the proxy fails when false). */
  reachable: boolean;
  /** 1 up, 2 down: what the last snapshot found (it may lag `reachable`, as in Portainer). */
  status: 1 | 2;
  snapshot: Record<string, unknown> | null;
  lastCheckIn: number;
  access: string[];
  grants: Record<string, string[]>;
  agentNode: string;
  /** Never snapshotted (`Snapshots: []` for good). */
  neverSnapshot: boolean;
}

export function isDockerType(t: EndpointType): boolean {
  return DOCKER_TYPES.has(t);
}

export function makeEndpoint(spec: SimEndpointSpec, id: number): SimEndpoint {
  const socketPath = spec.socketPath?.replace(/^unix:\/\//, '');
  if (socketPath && !isDockerType(spec.type)) throw new Error(`portainer sim: endpoint ${spec.name} of type ${spec.type} cannot have a Docker socket`);
  const defaultUrl = spec.type === 1 ? `unix://${socketPath ?? '/var/run/docker.sock'}` : spec.type === 2 ? `tcp://10.0.0.${id}:9001` : spec.type === 4 ? 'https://portainer.sim:9443' : '';
  const up = (spec.status ?? 'up') === 'up';
  return {
    id,
    name: spec.name,
    type: spec.type,
    socketPath,
    url: spec.url ?? defaultUrl,
    publicUrl: spec.publicUrl ?? '',
    groupId: spec.groupId ?? 1,
    tagIds: spec.tagIds ?? [],
    engine: spec.engine ?? 'docker',
    reachable: up,
    status: up ? 1 : 2,
    snapshot: null,
    lastCheckIn: 0,
    access: spec.access ?? [],
    grants: spec.grants ?? {},
    agentNode: spec.agentNode ?? `node-${id}`,
    neverSnapshot: spec.snapshot === false,
  };
}

/**
 * A snapshot as `api/docker/snapshot.go` computes it, from the real engine: stopped = exited (not created, paused or
 * dead), stacks = distinct compose projects, images = `/images/json`, health by the `Status` text except in
 * 2.20-2.33 where both counts are 0. Throws when the engine cannot be read.
 */
export async function computeSnapshot(ep: SimEndpoint, f: VersionFeatures, nowS: number): Promise<Record<string, unknown>> {
  const sock = ep.socketPath!;
  const [info, version, containers, images, volumes, networks] = await Promise.all([
    dockerJson(sock, '/info'),
    dockerJson(sock, '/version'),
    dockerJson<any[]>(sock, '/containers/json?all=1'),
    dockerJson<any[]>(sock, '/images/json'),
    dockerJson(sock, '/volumes'),
    dockerJson<any[]>(sock, '/networks'),
  ]);
  const status = (c: any) => String(c.Status ?? '');
  const healthy = f.healthCountBug ? 0 : containers.filter((c) => status(c).includes('(healthy)')).length;
  const unhealthy = f.healthCountBug ? 0 : containers.filter((c) => status(c).includes('(unhealthy)')).length;
  const stacks = new Set(containers.map((c) => c.Labels?.['com.docker.compose.project']).filter(Boolean));
  const snap: Record<string, unknown> = {
    Time: nowS,
    DockerVersion: info.ServerVersion,
    Swarm: Boolean(info.Swarm?.ControlAvailable),
    TotalCPU: info.NCPU,
    TotalMemory: info.MemTotal,
    ...(f.containerCount ? { ContainerCount: containers.length } : {}),
    RunningContainerCount: containers.filter((c) => c.State === 'running').length,
    StoppedContainerCount: containers.filter((c) => c.State === 'exited' || c.State === 'stopped').length,
    HealthyContainerCount: healthy,
    UnhealthyContainerCount: unhealthy,
    VolumeCount: (volumes.Volumes ?? []).length,
    ImageCount: images.length,
    ServiceCount: 0,
    StackCount: stacks.size,
    DockerSnapshotRaw: { Containers: containers, Volumes: volumes, Networks: networks, Images: images, Info: info, Version: version },
    NodeCount: 0,
    GpuUseAll: false,
    GpuUseList: [],
    ...(f.containerEngine ? { IsPodman: ep.engine === 'podman' } : {}),
  };
  return snap;
}

const SECURITY = {
  allowBindMountsForRegularUsers: true, allowPrivilegedModeForRegularUsers: true, allowVolumeBrowserForRegularUsers: false,
  allowHostNamespaceForRegularUsers: true, allowDeviceMappingForRegularUsers: true, allowStackManagementForRegularUsers: true,
  allowContainerCapabilitiesForRegularUsers: true, allowSysctlSettingForRegularUsers: true, enableHostManagementFeatures: false,
};

/** The Endpoint object (§4.4, example §4.6) as the list and inspect routes answer it. */
export function endpointJson(ep: SimEndpoint, f: VersionFeatures, nowS: number, withSnapshots: boolean, userIds: Map<string, number>): Record<string, unknown> {
  const edge = ep.type === 4 || ep.type === 7;
  const checkin = 5;
  const policies: Record<string, { RoleId: number }> = {};
  for (const name of ep.access) {
    const id = userIds.get(name);
    if (id !== undefined) policies[String(id)] = { RoleId: 0 };
  }
  return {
    Id: ep.id,
    Name: ep.name,
    Type: ep.type,
    ...(f.containerEngine ? { ContainerEngine: isDockerType(ep.type) ? ep.engine : '' } : {}),
    URL: ep.url,
    GroupId: ep.groupId,
    PublicURL: ep.publicUrl,
    Gpus: [],
    TLSConfig: ep.type === 2 ? { TLS: true, TLSSkipVerify: true } : { TLS: false, TLSSkipVerify: false },
    AzureCredentials: { ApplicationID: '', TenantID: '', AuthenticationKey: '' },
    TagIds: ep.tagIds,
    Status: ep.status,
    Snapshots: withSnapshots ? (ep.snapshot ? [ep.snapshot] : []) : null,
    UserAccessPolicies: policies,
    TeamAccessPolicies: {},
    ...(edge ? { EdgeID: `edge-${ep.id}` } : {}),
    EdgeKey: '',
    EdgeCheckinInterval: checkin,
    Kubernetes: {
      Snapshots: [],
      Configuration: { UseLoadBalancer: false, UseServerMetrics: false, EnableResourceOverCommit: false, ResourceOverCommitPercentage: 0, StorageClasses: null, IngressClasses: null, RestrictDefaultNamespace: false, IngressAvailabilityPerNamespace: false, AllowNoneIngressClass: false },
      Flags: { IsServerMetricsDetected: false, IsServerIngressClassDetected: false, IsServerStorageDetected: false },
    },
    ComposeSyntaxMaxVersion: '3.9',
    SecuritySettings: SECURITY,
    LastCheckInDate: ep.lastCheckIn,
    QueryDate: nowS,
    // §4.1: computed per request for Edge environments.
    Heartbeat: edge && ep.lastCheckIn > 0 && nowS - ep.lastCheckIn <= 2 * checkin + 20,
    PostInitMigrations: { MigrateIngresses: true, MigrateGPUs: true },
    Edge: { AsyncMode: false, PingInterval: 0, SnapshotInterval: 0, CommandInterval: 0 },
    Agent: { Version: ep.type === 2 ? f.version : '' },
    AuthorizedUsers: null,
    AuthorizedTeams: null,
    Tags: null,
  };
}

export type ListResult = { ok: true; items: SimEndpoint[]; total: number; available: number; excludeSnapshots: boolean } | { ok: false; details: string };

const ARRAY_PARAMS = ['types', 'status', 'groupIds', 'tagIds', 'endpointIds', 'excludeIds'] as const;

/** GET /api/endpoints query handling (§4.2): bracket arrays, 1-based `start`, totals before pagination. */
export function listEndpoints(visible: SimEndpoint[], q: URLSearchParams): ListResult {
  const arrays: Partial<Record<(typeof ARRAY_PARAMS)[number], number[]>> = {};
  for (const name of ARRAY_PARAMS) {
    const raw = q.getAll(`${name}[]`);
    if (raw.length === 0) continue;
    const nums = raw.map((v) => (/^-?\d+$/.test(v) ? Number(v) : NaN));
    if (nums.some(Number.isNaN)) return { ok: false, details: `strconv.Atoi: parsing ${JSON.stringify(raw.find((v) => !/^-?\d+$/.test(v)))}: invalid syntax` };
    arrays[name] = nums;
  }
  const intParam = (name: string) => {
    const v = q.get(name);
    return v === null || v === '' ? 0 : /^\d+$/.test(v) ? Number(v) : NaN;
  };
  let start = intParam('start');
  const limit = intParam('limit');
  if (Number.isNaN(start) || Number.isNaN(limit)) return { ok: false, details: 'Invalid pagination parameters' };
  let items = visible.filter((ep) => {
    if (arrays.types && !arrays.types.includes(ep.type)) return false;
    if (arrays.status && !arrays.status.includes(ep.status)) return false;
    if (arrays.groupIds && !arrays.groupIds.includes(ep.groupId)) return false;
    if (arrays.tagIds && !arrays.tagIds.some((t) => ep.tagIds.includes(t))) return false;
    if (arrays.endpointIds && !arrays.endpointIds.includes(ep.id)) return false;
    if (arrays.excludeIds && arrays.excludeIds.includes(ep.id)) return false;
    const name = q.get('name');
    if (name && ep.name !== name) return false;
    const search = q.get('search')?.toLowerCase();
    if (search) {
      if (search === 'up' || search === 'down') return (ep.status === 1) === (search === 'up');
      if (!ep.name.toLowerCase().includes(search) && !ep.url.toLowerCase().includes(search)) return false;
    }
    return true;
  });
  const sort = q.get('sort');
  if (sort === 'Name' || sort === 'Status') {
    const key = (e: SimEndpoint) => (sort === 'Name' ? e.name.toLowerCase() : e.status);
    items = [...items].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
    if (q.get('order') === 'desc') items.reverse();
  }
  const total = items.length;
  if (start > 0) start -= 1;
  items = items.slice(start, limit > 0 ? start + limit : undefined);
  return { ok: true, items, total, available: visible.length, excludeSnapshots: q.get('excludeSnapshots') === 'true' };
}
