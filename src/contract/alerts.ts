import { Type } from '@sinclair/typebox';
import { Nullable } from './common.js';

const Ts = Nullable(Type.String());

export const AlertSourceSchema = Type.Union([Type.Literal('docker'), Type.Literal('host'), Type.Literal('portainer'), Type.Literal('proxmox')]);
export const AlertSeveritySchema = Type.Union([Type.Literal('info'), Type.Literal('warning'), Type.Literal('error'), Type.Literal('critical')]);
export const AlertStateSchema = Type.Union([Type.Literal('open'), Type.Literal('acknowledged'), Type.Literal('closed')]);

export const AlertSubjectSchema = Type.Object(
  {
    source: AlertSourceSchema,
    kind: Type.Union([
      Type.Literal('container'),
      Type.Literal('docker_host'),
      Type.Literal('host'),
      Type.Literal('server'),
      Type.Literal('environment'),
      Type.Literal('node'),
      Type.Literal('guest'),
      Type.Literal('storage'),
      Type.Literal('backup'),
    ]),
    key: Type.String({ description: 'stable key of the subject, unique across sources: docker:<host id>:<container name>, host:<host id>, portainer:server:<server id>' }),
    name: Type.String({ description: 'display name when the alert opened (a container name, a host name)' }),
    scope: Type.String({ description: 'key of what the subject belongs to (host:<host id>); a silence on it covers the subject' }),
  },
  { description: "what the alert is about; `target` is `subject.key` + \":\" + the rule's short name" },
);

export const AlertSchema = Type.Object({
  id: Type.Integer(),
  source: AlertSourceSchema,
  host_id: Nullable(Type.Integer()),
  host_name: Ts,
  target: Type.String({ description: 'unique key of what is alerted on, e.g. docker:3:nginx:down' }),
  container_name: Ts,
  rule: Type.String({
    description: 'container_down | container_unhealthy | container_missing | restart_loop | docker_unreachable | host_offline | portainer_unreachable | portainer_login_refused | portainer_certificate',
  }),
  severity: AlertSeveritySchema,
  state: AlertStateSchema,
  message: Type.String(),
  occurrences: Type.Integer({ description: 'how many times it opened (flapping within the cooldown reopens the same alert)' }),
  opened_at: Type.String(),
  closed_at: Ts,
  last_notified_at: Ts,
  acknowledged_by: Ts,
  acknowledged_at: Ts,
  ack_comment: Ts,
  subject: AlertSubjectSchema,
});

export const SilenceSchema = Type.Object({
  id: Type.Integer(),
  host_id: Nullable(Type.Integer({ description: 'the host of the scope or subject; null for a scope that is not a host' })),
  host_name: Ts,
  container_name: Nullable(Type.String({ description: 'the silenced container; null: not one container (a whole host, or another subject)' })),
  subject_key: Nullable(Type.String({ description: 'the one subject silenced; null: everything under `scope`' })),
  scope: Type.String({ description: 'the scope silenced (subject_key null), or the scope of the silenced subject' }),
  reason: Ts,
  until: Type.String(),
  created_by: Type.String(),
  created_at: Type.String(),
  active: Type.Boolean(),
});

export const AlertQuery = Type.Object({
  host_id: Type.Optional(Type.Integer({ minimum: 1 })),
  state: Type.Union([Type.Literal('open'), Type.Literal('acknowledged'), Type.Literal('closed'), Type.Literal('all')], {
    default: 'open',
    description: 'open includes acknowledged',
  }),
  limit: Type.Integer({ minimum: 1, maximum: 1000, default: 500 }),
});

export const AckBody = Type.Object({ comment: Type.Optional(Nullable(Type.String({ maxLength: 2000 }))) }, { additionalProperties: false });

export const SilenceBody = Type.Object(
  {
    host_id: Type.Optional(Type.Integer({ minimum: 1, description: 'a host (and with container_name, one of its containers)' })),
    container_name: Type.Optional(Nullable(Type.String({ minLength: 1, maxLength: 128, description: 'omit to silence the whole host' }))),
    subject_key: Type.Optional(Type.String({ minLength: 1, maxLength: 300, description: 'instead of host_id: one subject by key, e.g. docker:3:nginx or host:3' })),
    scope: Type.Optional(Type.String({ minLength: 1, maxLength: 300, description: 'instead of host_id: everything under a scope, e.g. host:3' })),
    duration_minutes: Type.Integer({ minimum: 1, maximum: 60 * 24 * 30 }),
    reason: Type.Optional(Nullable(Type.String({ maxLength: 500 }))),
  },
  { additionalProperties: false },
);

export const AlertList = Type.Object({ alerts: Type.Array(AlertSchema) });

export const SilenceQuery = Type.Object({ all: Type.Boolean({ default: false, description: 'include silences that ended' }) });

// The list answers, each an object with one array (room for paging fields without breaking clients).
export const SilenceListSchema = Type.Object({ silences: Type.Array(SilenceSchema) });
