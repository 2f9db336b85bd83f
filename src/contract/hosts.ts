import { Type } from '@sinclair/typebox';
import { Nullable } from './common.js';

const Ts = Nullable(Type.String());

export const HostStatusSchema = Type.Union([Type.Literal('online'), Type.Literal('offline'), Type.Literal('unknown')]);
/** A host's kind: how it is reached (src/providers/registry.ts maps each to its engine). */
export const HostTransportSchema = Type.Union([Type.Literal('ssh'), Type.Literal('local'), Type.Literal('portainer')]);
export const DockerStatusSchema = Type.Union([Type.Literal('online'), Type.Literal('error'), Type.Literal('unreachable'), Type.Literal('unknown')]);

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
  transport: HostTransportSchema,
  status: HostStatusSchema,
  status_reason: Ts,
  last_seen_at: Ts,
  ssh_host_key: Nullable(Type.String({ description: 'SHA256 fingerprint once pinned' })),
  groups: Type.Array(Type.String()),
  docker_enabled: Type.Boolean(),
  docker_version: Ts,
  docker_status: DockerStatusSchema,
  docker_status_reason: Ts,
  docker_last_collect_at: Ts,
  created_at: Type.String(),
  updated_at: Type.String(),
  metrics: Nullable(HostMetricsSchema),
  portainer_server_id: Nullable(Type.Integer({ description: 'the Portainer server the host was discovered on; null if added by hand or imported' })),
  portainer_endpoint_id: Nullable(Type.Integer({ description: "the host's Portainer environment (endpoint) id" })),
});

/** A group a host belongs to (the seed's "parent object"; Ansible inventory groups land here too). */
export const GroupNameSchema = Type.String({
  minLength: 1,
  maxLength: 63,
  // Latin letters with their accents spelled as ranges, not \p{L}: the pattern must mean the same with and without
  // the regex u flag (Ajv on the server sets it, TypeBox's Value in the UI tests does not).
  pattern: '^[A-Za-z0-9\\u00C0-\\u00D6\\u00D8-\\u00F6\\u00F8-\\u024F](?:[A-Za-z0-9\\u00C0-\\u00D6\\u00D8-\\u00F6\\u00F8-\\u024F ._-]*[A-Za-z0-9\\u00C0-\\u00D6\\u00D8-\\u00F6\\u00F8-\\u024F._-])?$',
  description: 'letters (accents included), digits, space, dot, dash or underscore; no leading or trailing space',
});
export const HostGroupsSchema = Type.Array(GroupNameSchema, { maxItems: 16, uniqueItems: true });

export const HostBody = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 63 }),
  host: Type.String({ minLength: 1, maxLength: 253 }),
  // No schema `default` here: the PATCH body is this schema made partial, and Ajv's useDefaults would add port 22
  // to every patch (silently moving a host off its port and clearing its pinned key). The service defaults to 22.
  port: Type.Optional(Type.Integer({ minimum: 1, maximum: 65535, description: 'default 22' })),
  username: Type.Optional(Type.String({ minLength: 1, maxLength: 32 })),
  os_type: Type.Optional(Type.Union([Type.String({ maxLength: 64 }), Type.Null()])),
  transport: Type.Optional(Type.Union([Type.Literal('ssh'), Type.Literal('local')])),
  groups: Type.Optional(HostGroupsSchema),
});

export const HostPatchBody = Type.Partial(HostBody, { minProperties: 1 });

export const ImportResultSchema = Type.Object({
  created: Type.Integer(),
  updated: Type.Integer(),
  skipped: Type.Integer(),
  hosts: Type.Array(HostSchema),
});

export const ImportBody = Type.Union([Type.Object({ content: Type.String({ maxLength: 2_000_000 }) }), Type.String({ maxLength: 2_000_000 })]);

export const CheckResultSchema = Type.Object({ status: Type.String(), host_key_fingerprint: Type.String(), uname: Type.String() });

// The list answers, each an object with one array (room for paging fields without breaking clients).
export const HostListSchema = Type.Object({ hosts: Type.Array(HostSchema) });
/** `?group=` keeps the hosts of that group only (both host lists take it). */
export const HostListQuery = Type.Object({ group: Type.Optional(GroupNameSchema) });
export const MetricsListSchema = Type.Object({ metrics: Type.Array(HostMetricsSchema) });
