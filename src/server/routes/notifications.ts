import { Type } from '@sinclair/typebox';
import type { ChannelService } from '../../services/alerts/channel.service.js';
import { IdParams, errors } from '../../contract/common.js';
import {
  ChannelCreateBody,
  ChannelKindListSchema,
  ChannelListSchema,
  ChannelPatchBody,
  ChannelSchema,
  ChannelTestResultSchema,
} from '../../contract/notifications.js';
import type { App } from '../types.js';

/** Notification channels (admin): secrets are stored encrypted and never returned. */
export default async function notificationRoutes(app: App, opts: { channels: ChannelService }) {
  const { channels } = opts;
  const tags = ['notifications'];

  app.get(
    '/api/notifications/kinds',
    { config: { access: 'viewer' }, schema: { tags, summary: 'Channel kinds and their config fields', response: { 200: ChannelKindListSchema, ...errors(401) } } },
    async () => ({ kinds: channels.kinds() }),
  );

  app.get(
    '/api/notifications/channels',
    { config: { access: 'admin' }, schema: { tags, response: { 200: ChannelListSchema, ...errors(401, 403) } } },
    async () => ({ channels: await channels.list() }),
  );

  app.get(
    '/api/notifications/channels/:id',
    { config: { access: 'admin' }, schema: { tags, params: IdParams, response: { 200: ChannelSchema, ...errors(401, 403, 404, 422) } } },
    async (req) => channels.get(req.params.id),
  );

  app.post(
    '/api/notifications/channels',
    { config: { access: 'admin' }, schema: { tags, body: ChannelCreateBody, response: { 201: ChannelSchema, ...errors(401, 403, 409, 422) } } },
    async (req, reply) => reply.status(201).send(await channels.create(req.body)),
  );

  app.patch(
    '/api/notifications/channels/:id',
    { config: { access: 'admin' }, schema: { tags, params: IdParams, body: ChannelPatchBody, response: { 200: ChannelSchema, ...errors(401, 403, 404, 409, 422) } } },
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
        response: { 200: ChannelTestResultSchema, ...errors(401, 403, 404, 422, 500, 502) },
      },
    },
    async (req) => channels.test(req.params.id),
  );
}
