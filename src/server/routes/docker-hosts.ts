import { Type } from '@sinclair/typebox';
import type { DockerModule } from '../../services/docker/index.js';
import { IdParams, errors } from '../../contract/common.js';
import type { App } from '../types.js';
import { HostListQuery } from '../../contract/hosts.js';
import {
  CollectResultSchema,
  ComposeParams,
  ComposeResultSchema,
  ContainerListSchema,
  ContainerQuery,
  DockerHostListSchema,
  EnableResultSchema,
  EventListSchema,
  ImageListSchema,
  NetworkListSchema,
  PruneBody,
  PruneResultSchema,
  StatsListSchema,
  VolumeListSchema,
} from '../../contract/docker.js';

const tags = ['docker'];

/** /api/docker/hosts/...: host cards, enable/disable, collect, and the stored inventory of a host. */
export default async function dockerHostRoutes(app: App, opts: { docker: DockerModule }) {
  const { service, actions, reads } = opts.docker;

  app.get(
    '/api/docker/hosts',
    { config: { access: 'viewer' }, schema: { tags, querystring: HostListQuery, response: { 200: DockerHostListSchema, ...errors(401, 422) } } },
    async (req) => ({ hosts: await service.summaries(req.query.group) }),
  );

  for (const verb of ['enable', 'disable'] as const) {
    app.post(
      `/api/docker/hosts/:id/${verb}`,
      {
        config: { access: 'admin' },
        schema: {
          tags,
          summary: verb === 'enable' ? 'Watch Docker on this host (collection + live events); collects at once' : 'Stop watching Docker on this host; its Docker data is cleared',
          params: IdParams,
          response: { 200: EnableResultSchema, ...errors(401, 403, 404, 422) },
        },
      },
      async (req) => {
        await service.setEnabled(req.params.id, verb === 'enable');
        const collect = verb === 'enable' ? await service.collect(req.params.id, { full: true }) : null;
        if (collect) await service.publishHost(req.params.id);
        return { host: await service.summary(req.params.id), collect };
      },
    );
  }

  app.post(
    '/api/docker/hosts/:id/collect',
    {
      config: { access: 'operator' },
      schema: {
        tags,
        summary: 'Collect now (one round trip); answers counts and duration',
        description: 'Inspects only new or changed containers, as the periodic collection does; `?full=true` inspects every container.',
        params: IdParams,
        querystring: Type.Object({ full: Type.Boolean({ default: false }) }),
        response: { 200: CollectResultSchema, ...errors(401, 403, 404, 409, 422) },
      },
    },
    async (req) => {
      await service.enabledHost(req.params.id);
      // Incremental by default: "collect now" on 200 hosts must stay as cheap as the loop (issue 3, inspect rule).
      return service.collect(req.params.id, { full: req.query.full });
    },
  );

  app.get(
    '/api/docker/hosts/:id/containers',
    {
      config: { access: 'viewer' },
      schema: {
        tags,
        params: IdParams,
        querystring: ContainerQuery,
        response: { 200: ContainerListSchema, ...errors(401, 404, 422) },
      },
    },
    async (req) => ({ containers: await service.listContainers(req.params.id, req.query) }),
  );

  app.get('/api/docker/hosts/:id/images', { config: { access: 'viewer' }, schema: { tags, params: IdParams, response: { 200: ImageListSchema, ...errors(401, 404, 422) } } }, async (req) => ({
    images: await service.images(req.params.id),
  }));
  app.get('/api/docker/hosts/:id/volumes', { config: { access: 'viewer' }, schema: { tags, params: IdParams, response: { 200: VolumeListSchema, ...errors(401, 404, 422) } } }, async (req) => ({
    volumes: await service.volumes(req.params.id),
  }));
  app.get('/api/docker/hosts/:id/networks', { config: { access: 'viewer' }, schema: { tags, params: IdParams, response: { 200: NetworkListSchema, ...errors(401, 404, 422) } } }, async (req) => ({
    networks: await service.networks(req.params.id),
  }));
  app.get(
    '/api/docker/hosts/:id/events',
    {
      config: { access: 'viewer' },
      schema: {
        tags,
        summary: 'Timeline: docker events and our actions, newest first',
        params: IdParams,
        querystring: Type.Object({ limit: Type.Integer({ minimum: 1, maximum: 1000, default: 200 }) }),
        response: { 200: EventListSchema, ...errors(401, 404, 422) },
      },
    },
    async (req) => ({ events: await service.events(req.params.id, req.query.limit) }),
  );
  app.get(
    '/api/docker/hosts/:id/stats',
    {
      config: { access: 'viewer' },
      schema: { tags, summary: '`docker stats --no-stream` snapshot (takes about 2 s)', params: IdParams, response: { 200: StatsListSchema, ...errors(401, 404, 409, 422, 502) } },
    },
    async (req) => ({ stats: await reads.stats(req.params.id) }),
  );

  app.post(
    '/api/docker/hosts/:id/compose/:project/:action',
    {
      config: { access: 'operator' },
      schema: {
        tags,
        summary: 'Start, stop or restart every container of a compose project',
        params: ComposeParams,
        response: { 200: ComposeResultSchema, ...errors(401, 403, 404, 409, 422, 502) },
      },
    },
    async (req) => actions.compose(req.params.id, req.params.project, req.params.action, req.principal!.username),
  );

  app.post(
    '/api/docker/hosts/:id/prune',
    {
      config: { access: 'admin' },
      schema: {
        tags,
        summary: 'Remove unused images, stopped containers, unused volumes and networks: each kind chosen explicitly',
        params: IdParams,
        body: PruneBody,
        response: {
          200: PruneResultSchema,
          ...errors(401, 403, 404, 409, 422, 502),
        },
      },
    },
    async (req) => actions.prune(req.params.id, req.body, req.principal!.username),
  );
}
