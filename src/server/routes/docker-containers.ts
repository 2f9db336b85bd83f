import { Type } from '@sinclair/typebox';
import { ACTIONS } from '../../services/docker/actions.js';
import type { DockerModule } from '../../services/docker/index.js';
import { errors } from '../../contract/common.js';
import { ActionResultSchema, ContainerRef, InspectSchema, LogLinesSchema, LogsQuery, StatsListSchema } from '../../contract/docker.js';
import type { App } from '../types.js';

const tags = ['docker'];
/** /api/docker/containers/{host_id}/{container_id}/...: actions, logs, inspect, stats of one container. */
export default async function dockerContainerRoutes(app: App, opts: { docker: DockerModule }) {
  const { actions, reads } = opts.docker;

  // One route per action, so each declares its own role (remove is admin; the rest operator).
  for (const action of ACTIONS) {
    const admin = action === 'remove';
    app.post(
      `/api/docker/containers/:host_id/:container_id/${action}`,
      {
        config: { access: admin ? 'admin' : 'operator' },
        schema: {
          tags,
          summary:
            action === 'redeploy'
              ? 'Pull the image and recreate the compose service (409 for a container not started by compose)'
              : action === 'remove'
                ? 'Remove the container (?force=true removes a running one; ?volumes=true its anonymous volumes)'
                : `docker ${action}`,
          params: ContainerRef,
          querystring: admin ? Type.Object({ force: Type.Boolean({ default: false }), volumes: Type.Boolean({ default: false }) }) : Type.Object({}),
          response: {
            200: ActionResultSchema,
            ...errors(401, 403, 404, 409, 422, 502),
          },
        },
      },
      async (req) => {
        const q = req.query as { force?: boolean; volumes?: boolean };
        return actions.container(req.params.host_id, req.params.container_id, action, { force: q.force, volumes: q.volumes }, req.principal!.username);
      },
    );
  }

  app.get(
    '/api/docker/containers/:host_id/:container_id/logs',
    {
      config: { access: 'viewer' },
      schema: {
        tags,
        summary: 'The last lines of the container logs, stdout and stderr told apart',
        params: ContainerRef,
        querystring: LogsQuery,
        response: { 200: LogLinesSchema, ...errors(401, 404, 409, 422, 502) },
      },
    },
    async (req) => ({ lines: await reads.logs(req.params.host_id, req.params.container_id, req.query) }),
  );

  app.get(
    '/api/docker/containers/:host_id/:container_id/inspect',
    {
      config: { access: 'viewer' },
      schema: {
        tags,
        summary: 'docker inspect (env values that look secret are masked for non-admins)',
        params: ContainerRef,
        response: { 200: InspectSchema, ...errors(401, 404, 409, 422, 502) },
      },
    },
    async (req) => reads.inspect(req.params.host_id, req.params.container_id, req.principal!.role),
  );

  app.get(
    '/api/docker/containers/:host_id/:container_id/stats',
    { config: { access: 'viewer' }, schema: { tags, params: ContainerRef, response: { 200: StatsListSchema, ...errors(401, 404, 409, 422, 502) } } },
    async (req) => ({ stats: await reads.stats(req.params.host_id, req.params.container_id) }),
  );
}
