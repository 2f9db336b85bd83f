import { Type } from '@sinclair/typebox';
import type { ChannelService } from '../../services/alerts/channel.service.js';
import { IdParams, Nullable, errors } from '../schemas.js';
import type { App } from '../types.js';

const Ts = Nullable(Type.String());
const Severity = Type.Union([Type.Literal('info'), Type.Literal('warning'), Type.Literal('error'), Type.Literal('critical')]);
const Config = Type.Record(Type.String(), Type.Unknown(), { description: 'the kind\'s config (see GET /api/notifications/kinds); secrets included on write' });

export const ChannelSchema = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  kind: Type.String(),
  enabled: Type.Boolean(),
  config: Type.Record(Type.String(), Type.Unknown(), { description: 'without secret fields' }),
  secrets_set: Type.Array(Type.String(), { description: 'secret fields that hold a value (never returned)' }),
  notify_resolved: Type.Boolean(),
  min_severity: Type.String(),
  last_success_at: Ts,
  last_error: Ts,
  last_error_at: Ts,
  created_at: Type.String(),
  updated_at: Type.String(),
});

const KindSchema = Type.Object({
  kind: Type.String(),
  label: Type.String(),
  fields: Type.Array(
    Type.Object({
      name: Type.String(),
      type: Type.String(),
      required: Type.Boolean(),
      secret: Type.Boolean(),
      default: Type.Optional(Type.Unknown()),
      description: Type.Optional(Type.String()),
      schema: Type.Record(Type.String(), Type.Unknown()),
    }),
  ),
});

const Name = Type.String({ minLength: 1, maxLength: 100 });
const CreateBody = Type.Object(
  {
    name: Name,
    kind: Type.String({ minLength: 1, maxLength: 32 }),
    enabled: Type.Optional(Type.Boolean()),
    config: Config,
    notify_resolved: Type.Optional(Type.Boolean()),
    min_severity: Type.Optional(Severity),
  },
  { additionalProperties: false },
);
const PatchBody = Type.Object(
  {
    name: Type.Optional(Name),
    enabled: Type.Optional(Type.Boolean()),
    config: Type.Optional(Type.Record(Type.String(), Type.Unknown(), { description: 'keys replace the stored ones; a secret omitted is kept, "" or null removes it' })),
    notify_resolved: Type.Optional(Type.Boolean()),
    min_severity: Type.Optional(Severity),
  },
  { additionalProperties: false, minProperties: 1 },
);

/** Notification channels (admin): secrets are stored encrypted and never returned. */
export default async function notificationRoutes(app: App, opts: { channels: ChannelService }) {
  const { channels } = opts;
  const tags = ['notifications'];

  app.get(
    '/api/notifications/kinds',
    { config: { access: 'viewer' }, schema: { tags, summary: 'Channel kinds and their config fields', response: { 200: Type.Object({ kinds: Type.Array(KindSchema) }), ...errors(401) } } },
    async () => ({ kinds: channels.kinds() }),
  );

  app.get(
    '/api/notifications/channels',
    { config: { access: 'admin' }, schema: { tags, response: { 200: Type.Object({ channels: Type.Array(ChannelSchema) }), ...errors(401, 403) } } },
    async () => ({ channels: await channels.list() }),
  );

  app.get(
    '/api/notifications/channels/:id',
    { config: { access: 'admin' }, schema: { tags, params: IdParams, response: { 200: ChannelSchema, ...errors(401, 403, 404, 422) } } },
    async (req) => channels.get(req.params.id),
  );

  app.post(
    '/api/notifications/channels',
    { config: { access: 'admin' }, schema: { tags, body: CreateBody, response: { 201: ChannelSchema, ...errors(401, 403, 409, 422) } } },
    async (req, reply) => reply.status(201).send(await channels.create(req.body)),
  );

  app.patch(
    '/api/notifications/channels/:id',
    { config: { access: 'admin' }, schema: { tags, params: IdParams, body: PatchBody, response: { 200: ChannelSchema, ...errors(401, 403, 404, 409, 422) } } },
    async (req) => channels.update(req.params.id, req.body),
  );

  app.delete(
    '/api/notifications/channels/:id',
    { config: { access: 'admin' }, schema: { tags, params: IdParams, response: { 204: Type.Null(), ...errors(401, 403, 404, 422) } } },
    async (req, reply) => {
      await channels.remove(req.params.id);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/api/notifications/channels/:id/test',
    {
      config: { access: 'admin' },
      schema: {
        tags,
        summary: 'Send a test message now; 502 with the service\'s error when it fails',
        params: IdParams,
        response: { 200: Type.Object({ ok: Type.Boolean(), duration_ms: Type.Integer() }), ...errors(401, 403, 404, 422, 500, 502) },
      },
    },
    async (req) => channels.test(req.params.id),
  );
}
