import { Type } from '@sinclair/typebox';
import type { AlertService } from '../../services/alerts/alert.service.js';
import { IdParams, Nullable, errors } from '../schemas.js';
import type { App } from '../types.js';

const Ts = Nullable(Type.String());

export const AlertSubjectSchema = Type.Object(
  {
    source: Type.String({ description: 'docker | host | portainer | proxmox (the same as the alert\'s `source`)' }),
    kind: Type.String({ description: 'container | docker_host | host | server | environment | node | guest | storage | backup' }),
    key: Type.String({ description: 'stable key of the subject, unique across sources: docker:<host id>:<container name>, host:<host id>' }),
    name: Type.String({ description: 'display name when the alert opened (a container name, a host name)' }),
    scope: Type.String({ description: 'key of what the subject belongs to (host:<host id>); a silence on it covers the subject' }),
  },
  { description: 'what the alert is about; `target` is `subject.key` + ":" + the rule\'s short name' },
);

export const AlertSchema = Type.Object({
  id: Type.Integer(),
  source: Type.String({ description: 'docker | host | portainer | proxmox' }),
  host_id: Nullable(Type.Integer()),
  host_name: Ts,
  target: Type.String({ description: 'unique key of what is alerted on, e.g. docker:3:nginx:down' }),
  container_name: Ts,
  rule: Type.String({ description: 'container_down | container_unhealthy | container_missing | restart_loop | docker_unreachable | host_offline' }),
  severity: Type.String({ description: 'info | warning | error | critical' }),
  state: Type.String({ description: 'open | acknowledged | closed' }),
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

const AlertQuery = Type.Object({
  host_id: Type.Optional(Type.Integer({ minimum: 1 })),
  state: Type.Union([Type.Literal('open'), Type.Literal('acknowledged'), Type.Literal('closed'), Type.Literal('all')], {
    default: 'open',
    description: 'open includes acknowledged',
  }),
  limit: Type.Integer({ minimum: 1, maximum: 1000, default: 500 }),
});

const AckBody = Type.Object({ comment: Type.Optional(Nullable(Type.String({ maxLength: 2000 }))) }, { additionalProperties: false });

const SilenceBody = Type.Object(
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

const AlertList = Type.Object({ alerts: Type.Array(AlertSchema) });

/** Alerts (list, acknowledge) and silences. Viewers read; operators acknowledge and silence. */
export default async function alertRoutes(app: App, opts: { alerts: AlertService }) {
  const { alerts } = opts;
  const tags = ['alerts'];

  app.get(
    '/api/docker/alerts',
    {
      config: { access: 'viewer' },
      schema: { tags, summary: 'Docker alerts (source docker, and "docker daemon unreachable")', querystring: AlertQuery, response: { 200: AlertList, ...errors(401, 422) } },
    },
    async (req) => ({ alerts: await alerts.list({ ...req.query, dockerOnly: true }) }),
  );

  app.get(
    '/api/alerts',
    { config: { access: 'viewer' }, schema: { tags, summary: 'Alerts of every source', querystring: AlertQuery, response: { 200: AlertList, ...errors(401, 422) } } },
    async (req) => ({ alerts: await alerts.list(req.query) }),
  );

  app.get(
    '/api/alerts/:id',
    { config: { access: 'viewer' }, schema: { tags, params: IdParams, response: { 200: AlertSchema, ...errors(401, 404, 422) } } },
    async (req) => alerts.get(req.params.id),
  );

  for (const url of ['/api/docker/alerts/:id/ack', '/api/alerts/:id/ack']) {
    app.post(
      url,
      {
        config: { access: 'operator' },
        // the comment is optional, and so is the body itself (`curl -X POST .../ack`)
        preValidation: async (req) => {
          req.body ??= {};
        },
        schema: {
          tags,
          summary: 'Acknowledge an open alert (no more reminders; it still closes when fixed)',
          params: IdParams,
          body: AckBody,
          response: { 200: AlertSchema, ...errors(401, 403, 404, 409, 422) },
        },
      },
      async (req) => alerts.acknowledge(req.params.id, req.principal!.username, req.body.comment ?? null),
    );
  }

  app.get(
    '/api/silences',
    {
      config: { access: 'viewer' },
      schema: {
        tags,
        querystring: Type.Object({ all: Type.Boolean({ default: false, description: 'include silences that ended' }) }),
        response: { 200: Type.Object({ silences: Type.Array(SilenceSchema) }), ...errors(401, 422) },
      },
    },
    async (req) => ({ silences: await alerts.listSilences(req.query.all) }),
  );

  app.post(
    '/api/silences',
    {
      config: { access: 'operator' },
      schema: {
        tags,
        summary: 'Silence a host, one of its containers, a subject or a scope: alerts still open and show, notifications wait until it ends',
        description: 'Give exactly one of `host_id` (with or without `container_name`), `subject_key` or `scope` (422 otherwise, or for a malformed key); 404 for an unknown host.',
        body: SilenceBody,
        response: { 201: SilenceSchema, ...errors(401, 403, 404, 422) },
      },
    },
    async (req, reply) => reply.status(201).send(await alerts.createSilence(req.body, req.principal!.username)),
  );

  app.delete(
    '/api/silences/:id',
    {
      config: { access: 'operator' },
      schema: { tags, summary: 'End a silence now (held notifications go out)', params: IdParams, response: { 204: Type.Null(), ...errors(401, 403, 404, 409, 422) } },
    },
    async (req, reply) => {
      await alerts.endSilence(req.params.id);
      return reply.status(204).send(null);
    },
  );
}
