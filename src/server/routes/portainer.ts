import { Type } from '@sinclair/typebox';
import { IdParams, errors } from '../../contract/common.js';
import {
  PortainerEndpointListSchema,
  PortainerServerCreateBody,
  PortainerServerListSchema,
  PortainerServerPatchBody,
  PortainerServerSchema,
  PortainerSyncResultSchema,
  PortainerTestResultSchema,
} from '../../contract/portainer.js';
import type { PortainerModule } from '../../services/portainer/index.js';
import type { App } from '../types.js';

/** Portainer servers (admin; viewers read them), their test, sync (operator) and environments. */
export default async function portainerRoutes(app: App, opts: { portainer: Pick<PortainerModule, 'servers' | 'sync'> }) {
  const { servers, sync } = opts.portainer;
  const tags = ['portainer'];

  app.get(
    '/api/portainer/servers',
    { config: { access: 'viewer' }, schema: { tags, response: { 200: PortainerServerListSchema, ...errors(401) } } },
    async () => ({ servers: await servers.list() }),
  );

  app.get(
    '/api/portainer/servers/:id',
    { config: { access: 'viewer' }, schema: { tags, params: IdParams, response: { 200: PortainerServerSchema, ...errors(401, 404, 422) } } },
    async (req) => servers.get(req.params.id),
  );

  app.post(
    '/api/portainer/servers',
    {
      config: { access: 'admin' },
      schema: { tags, summary: 'Add a server: {username, password} or {api_key}', body: PortainerServerCreateBody, response: { 201: PortainerServerSchema, ...errors(401, 403, 409, 422) } },
    },
    async (req, reply) => reply.status(201).send(await servers.create(req.body)),
  );

  app.patch(
    '/api/portainer/servers/:id',
    { config: { access: 'admin' }, schema: { tags, params: IdParams, body: PortainerServerPatchBody, response: { 200: PortainerServerSchema, ...errors(401, 403, 404, 409, 422) } } },
    async (req) => servers.update(req.params.id, req.body),
  );

  app.delete(
    '/api/portainer/servers/:id',
    {
      config: { access: 'admin' },
      schema: { tags, summary: 'Remove a server and its hosts (their containers and alerts)', params: IdParams, response: { 204: Type.Null(), ...errors(401, 403, 404, 422) } },
    },
    async (req, reply) => {
      await servers.remove(req.params.id);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/api/portainer/servers/:id/test',
    {
      config: { access: 'admin' },
      schema: {
        tags,
        summary: 'Reach the server now; pins its certificate at the first success; 409 for a changed certificate, 502 with Portainer\'s reason',
        params: IdParams,
        response: { 200: PortainerTestResultSchema, ...errors(401, 403, 404, 409, 422, 500, 502) },
      },
    },
    async (req) => servers.test(req.params.id),
  );

  app.post(
    '/api/portainer/servers/:id/sync',
    {
      config: { access: 'operator' },
      schema: {
        tags,
        summary: 'Sync now (creates missing hosts whatever the sync mode)',
        params: IdParams,
        response: { 200: PortainerSyncResultSchema, ...errors(401, 403, 404, 409, 422, 500, 502) },
      },
    },
    async (req) => sync.sync(req.params.id, 'manual'),
  );

  app.get(
    '/api/portainer/servers/:id/endpoints',
    {
      config: { access: 'viewer' },
      schema: { tags, summary: 'Every environment with its figures and its host', params: IdParams, response: { 200: PortainerEndpointListSchema, ...errors(401, 404, 409, 422, 500, 502) } },
    },
    async (req) => ({ endpoints: await sync.endpoints(req.params.id) }),
  );
}
