import { type TSchema, Type } from '@sinclair/typebox';

/**
 * TypeBox schemas of the API's shapes (mirroring src/core/types.ts). Responses are serialized through them, so a
 * field missing here never reaches a client: keep both in step.
 */
export const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);
const Ts = Nullable(Type.String());

export const ErrorSchema = Type.Object(
  { error: Type.String(), message: Type.String() },
  { $id: 'Error', description: 'Every error: a stable code and a message for people' },
);
export const ErrorRef = Type.Ref(ErrorSchema);

export const RoleSchema = Type.Union([Type.Literal('viewer'), Type.Literal('operator'), Type.Literal('admin')]);

export const UserSchema = Type.Object({
  id: Type.Integer(),
  username: Type.String(),
  role: RoleSchema,
  created_at: Type.String(),
  last_login_at: Ts,
});

export const ApiTokenSchema = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  prefix: Type.String(),
  role: RoleSchema,
  user_id: Type.Integer(),
  created_at: Type.String(),
  last_used_at: Ts,
  expires_at: Ts,
});

const N = Nullable(Type.Number());
export const HostMetricsSchema = Type.Object({
  collected_at: Type.String(),
  uptime_s: N,
  load1: N,
  load5: N,
  load15: N,
  cpu_count: N,
  mem_total_bytes: N,
  mem_used_bytes: N,
  disk_total_bytes: N,
  disk_used_bytes: N,
});

export const HostSchema = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  host: Nullable(Type.String({ description: 'SSH address; null for hosts not reached over SSH (Portainer)' })),
  port: Nullable(Type.Integer()),
  username: Ts,
  os_type: Ts,
  transport: Type.String(),
  status: Type.String({ description: 'online | offline | unknown' }),
  status_reason: Ts,
  last_seen_at: Ts,
  ssh_host_key: Nullable(Type.String({ description: 'SHA256 fingerprint once pinned' })),
  groups: Type.Array(Type.String()),
  docker_enabled: Type.Boolean(),
  docker_version: Ts,
  docker_status: Type.String(),
  docker_status_reason: Ts,
  docker_last_collect_at: Ts,
  created_at: Type.String(),
  updated_at: Type.String(),
  metrics: Nullable(HostMetricsSchema),
  portainer_server_id: Nullable(Type.Integer({ description: 'the Portainer server the host was discovered on; null if added by hand or imported' })),
  portainer_endpoint_id: Nullable(Type.Integer({ description: "the host's Portainer environment (endpoint) id" })),
});

export const TaskSchema = Type.Object({
  id: Type.Integer(),
  action: Type.String(),
  status: Type.String({ description: 'pending | running | success | failed' }),
  host_id: Nullable(Type.Integer()),
  target: Ts,
  requested_by: Type.String(),
  output: Ts,
  error: Ts,
  created_at: Type.String(),
  started_at: Ts,
  finished_at: Ts,
  duration_ms: Nullable(Type.Integer()),
});

export const IdParams = Type.Object({ id: Type.Integer({ minimum: 1 }) });

/** Standard error responses a route can give, merged into its `response` schema. */
export function errors(...codes: number[]): Record<number, typeof ErrorRef> {
  return Object.fromEntries(codes.map((c) => [c, ErrorRef]));
}
