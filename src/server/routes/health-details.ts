import { errors } from '../../contract/common.js';
import { HealthDetailsSchema } from '../../contract/health.js';
import type { HealthService } from '../../services/health/health.service.js';
import type { App } from '../types.js';

/** The health page's data in one call (viewer); /api/health stays the public liveness check. */
export default async function healthDetailsRoutes(app: App, opts: { health: Pick<HealthService, 'details'> }) {
  app.get(
    '/api/health/details',
    {
      config: { access: 'viewer' },
      schema: {
        tags: ['system'],
        summary: 'Per Portainer server: reachable, version, environments up/total, last sync and its duration, last error (its hosts under it); then every SSH and local host: Docker status, last collection and its duration, events stream',
        response: { 200: HealthDetailsSchema, ...errors(401) },
      },
    },
    async () => opts.health.details(),
  );
}
