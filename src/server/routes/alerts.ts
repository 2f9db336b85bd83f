import { Type } from '@sinclair/typebox';
import type { AlertService } from '../../services/alerts/alert.service.js';
import { AckBody, AlertList, AlertQuery, AlertSchema, SilenceBody, SilenceListSchema, SilenceQuery, SilenceSchema } from '../../contract/alerts.js';
import { IdParams, errors } from '../../contract/common.js';
import type { App } from '../types.js';

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
        querystring: SilenceQuery,
        response: { 200: SilenceListSchema, ...errors(401, 422) },
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
        summary: 'Silence a host or one of its containers: alerts still open and show, notifications wait until it ends',
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
