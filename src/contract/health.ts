import { Type } from '@sinclair/typebox';
import { Nullable } from './common.js';
import { DockerStatusSchema, HostStatusSchema, HostTransportSchema } from './hosts.js';
import { PortainerServerStatusSchema } from './portainer.js';

const Ts = Nullable(Type.String());

/** How a host's Docker events stream stands: `off` when none runs (Docker disabled, events off, loops stopped). */
export const EventsStreamStateSchema = Type.Union([Type.Literal('connected'), Type.Literal('connecting'), Type.Literal('off')]);

/** One Docker host's health: its reachability, its Docker, its last collection and its events stream. */
export const DockerHostHealthSchema = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  transport: HostTransportSchema,
  status: HostStatusSchema,
  status_reason: Ts,
  docker_enabled: Type.Boolean(),
  docker_status: DockerStatusSchema,
  docker_status_reason: Ts,
  docker_version: Ts,
  last_collect_at: Nullable(Type.String({ description: 'the last collection that reached Docker' })),
  last_collect_ms: Nullable(Type.Integer({ description: 'how long the last collection took, reached Docker or not; null until one ran since the server started' })),
  events: EventsStreamStateSchema,
  portainer_endpoint_id: Nullable(Type.Integer()),
});

/** A Portainer server's health, with the hosts made from its environments. */
export const PortainerServerHealthSchema = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  url: Type.String(),
  enabled: Type.Boolean(),
  status: PortainerServerStatusSchema,
  status_reason: Nullable(Type.String({ description: 'the last error' })),
  version: Ts,
  endpoints_up: Nullable(Type.Integer()),
  endpoints_total: Nullable(Type.Integer()),
  last_sync_at: Ts,
  last_sync_ms: Nullable(Type.Integer()),
  hosts: Type.Array(DockerHostHealthSchema),
});

/** GET /api/health/details: every Portainer server (its hosts under it), then every other Docker host. */
export const HealthDetailsSchema = Type.Object({
  portainer_servers: Type.Array(PortainerServerHealthSchema),
  docker_hosts: Type.Array(DockerHostHealthSchema, { description: 'SSH and local hosts' }),
  generated_at: Type.String(),
});
