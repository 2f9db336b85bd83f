import { errors } from '../../contract/common.js';
import { ContainerSchema, ContainerRef } from '../../contract/docker.js';
import { ContainerSettingsBody, LogSearchQuery, LogSearchResultSchema } from '../../contract/logs.js';
import type { DockerModule } from '../../services/docker/index.js';
import type { App } from '../types.js';

const tags = ['logs'];

/** Log capture: the per-container switch, and the search across every host's captured lines. */
export default async function logRoutes(app: App, opts: { docker: DockerModule }) {
  const { logCapture } = opts.docker;

  app.patch(
    '/api/docker/containers/:host_id/:container_id/settings',
    {
      config: { access: 'operator' },
      schema: {
        tags,
        summary: 'Per-container settings: log_capture off | stdout | stderr | both (kept for the container name, so across recreation)',
        params: ContainerRef,
        body: ContainerSettingsBody,
        response: { 200: ContainerSchema, ...errors(401, 403, 404, 409, 422) },
      },
    },
    async (req) => logCapture.setCapture(req.params.host_id, req.params.container_id, req.body.log_capture),
  );

  app.get(
    '/api/logs',
    {
      config: { access: 'viewer' },
      schema: {
        tags,
        summary: 'Search captured log lines across all hosts, newest first (q: words that must all appear)',
        querystring: LogSearchQuery,
        response: { 200: LogSearchResultSchema, ...errors(401, 422) },
      },
    },
    async (req) => ({ lines: await logCapture.search(req.query) }),
  );
}
