import { Type } from '@sinclair/typebox';
import { Nullable } from './common.js';

const Ts = Nullable(Type.String());
const N = Nullable(Type.Integer());

export const PortainerServerStatusSchema = Type.Union([Type.Literal('online'), Type.Literal('error'), Type.Literal('unreachable'), Type.Literal('unknown')]);
export const PortainerSyncModeSchema = Type.Union([Type.Literal('create_and_update'), Type.Literal('update_only')]);

/** A Portainer server as the API shows it: credentials are never returned, `auth` says which kind is stored. */
export const PortainerServerSchema = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  url: Type.String(),
  auth: Type.Union([Type.Literal('password'), Type.Literal('api_key')]),
  username: Nullable(Type.String({ description: 'the Portainer user for password auth; null with an API key' })),
  tls_fingerprint: Nullable(Type.String({ description: 'SHA-256 of the pinned certificate, AA:BB:…' })),
  default_group: Ts,
  sync_mode: PortainerSyncModeSchema,
  sync_interval_s: Type.Integer(),
  enabled: Type.Boolean(),
  status: PortainerServerStatusSchema,
  status_reason: Ts,
  version: Ts,
  instance_id: Ts,
  last_sync_at: Ts,
  last_sync_ms: N,
  endpoints_total: Nullable(Type.Integer({ description: 'every environment the user sees, of any kind' })),
  endpoints_up: Nullable(Type.Integer({ description: 'those Portainer reports up' })),
  host_count: Type.Integer({ description: 'hosts made from its environments' }),
  created_at: Type.String(),
  updated_at: Type.String(),
});

const Name = Type.String({ minLength: 1, maxLength: 100 });
const Url = Type.String({ minLength: 1, maxLength: 300, description: 'http://HOST:9000 or https://HOST:9443: no path, no user info' });
const Fingerprint = Type.String({ maxLength: 200, description: 'SHA-256, hex pairs with or without colons' });
const Group = Type.String({ minLength: 1, maxLength: 63 });
const Interval = Type.Integer({ minimum: 10, maximum: 86_400 });
const Secret = Type.String({ minLength: 1, maxLength: 1000 });

/** The fields both the create and the patch body take, all optional. */
const serverOptions = {
  username: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  password: Type.Optional(Secret),
  api_key: Type.Optional(Secret),
  tls_fingerprint: Type.Optional(Nullable(Fingerprint)),
  default_group: Type.Optional(Nullable(Group)),
  sync_mode: Type.Optional(PortainerSyncModeSchema),
  sync_interval_s: Type.Optional(Interval),
  enabled: Type.Optional(Type.Boolean()),
};

export const PortainerServerCreateBody = Type.Object(
  { name: Name, url: Url, ...serverOptions },
  { additionalProperties: false, description: '{username, password} or {api_key}: exactly one kind of credentials' },
);

export const PortainerServerPatchBody = Type.Object(
  { name: Type.Optional(Name), url: Type.Optional(Url), ...serverOptions },
  { additionalProperties: false, minProperties: 1, description: 'credentials sent replace the stored ones (a whole kind: {username, password} or {api_key})' },
);

export const PortainerServerListSchema = Type.Object({ servers: Type.Array(PortainerServerSchema) });

export const PortainerTestResultSchema = Type.Object({
  ok: Type.Boolean(),
  version: Type.String(),
  instance_id: Type.String(),
  endpoints: Type.Integer({ description: 'how many environments the user sees' }),
  tls_fingerprint: Nullable(Type.String({ description: 'the pinned certificate (HTTPS)' })),
});

export const PortainerSyncResultSchema = Type.Object({
  created: Type.Integer(),
  updated: Type.Integer(),
  removed: Type.Integer(),
  endpoints: Type.Integer({ description: 'environments seen, of any kind' }),
  duration_ms: Type.Integer(),
  errors: Type.Array(Type.String()),
});

/** One environment with the seed's EndPoint figures (Portainer's definitions: reference §4.5). */
export const PortainerEndpointSchema = Type.Object({
  endpoint_id: Type.Integer(),
  name: Type.String(),
  type: Type.Integer(),
  type_name: Type.String(),
  host_id: Nullable(Type.Integer({ description: 'null when it is not a host' })),
  reason: Nullable(Type.String({ description: 'why it is not collected, or why its host is not online' })),
  status: Type.Union([Type.Literal('up'), Type.Literal('down')]),
  cpu_count: N,
  memory_bytes: Nullable(Type.Number()),
  containers_running: N,
  containers_stopped: N,
  containers_healthy: Nullable(Type.Integer({ description: 'counted from the container list (Portainer 2.20-2.33 reports 0)' })),
  containers_unhealthy: N,
  volumes: N,
  images: N,
  services: N,
  stacks: N,
  public_url: Ts,
  docker_version: Ts,
  snapshot_at: Ts,
});
export const PortainerEndpointListSchema = Type.Object({ endpoints: Type.Array(PortainerEndpointSchema) });
