import { HealthSchema } from '../../contract/system.js';
import type { App } from '../types.js';

export default async function healthRoutes(app: App, opts: { version: string; startedAt: number; ping: () => Promise<boolean>; describe: string }) {
  app.get(
    '/api/health',
    {
      config: { access: 'public' },
      schema: {
        tags: ['system'],
        summary: 'Liveness and database status (no authentication)',
        response: {
          200: HealthSchema,
        },
      },
    },
    async () => {
      const ok = await opts.ping();
      return {
        status: ok ? 'ok' : 'degraded',
        version: opts.version,
        uptime_s: Math.round((Date.now() - opts.startedAt) / 1000),
        database: ok ? 'ok' : 'unreachable',
      };
    },
  );
}
