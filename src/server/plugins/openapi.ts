import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

/**
 * OpenAPI generated from the route schemas; the interactive docs at /docs, the JSON at /docs/json.
 * Wrapped in fastify-plugin: swagger collects routes with an onRoute hook, which in an encapsulated child context
 * would see none of the app's routes (the document had no paths at all).
 */
export default fp(async function openapi(app: FastifyInstance, opts: { version: string }) {
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
});
