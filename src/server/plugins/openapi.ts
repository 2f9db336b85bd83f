import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';

/** OpenAPI generated from the route schemas; the interactive docs at /docs, the JSON at /docs/json. */
export default async function openapi(app: FastifyInstance, opts: { version: string }) {
  await app.register(swagger, {
    openapi: {
      info: {
        title: 'Homelab Dashboard API',
        version: opts.version,
        description:
          'Docker hosts over SSH, alerts and notifications. Authenticate with POST /api/auth/login, then send ' +
          '`Authorization: Bearer <token>`. Roles: viewer < operator < admin. Errors are `{error, message}`.',
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
}
