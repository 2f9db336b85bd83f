import formbody from '@fastify/formbody';
import rateLimit from '@fastify/rate-limit';
import websocket from '@fastify/websocket';
import Fastify, { type FastifyServerOptions } from 'fastify';
import { ErrorSchema } from '../contract/common.js';
import type { Container } from '../container.js';
import authPlugin from './plugins/auth.js';
import errorsPlugin from './plugins/errors.js';
import openapi from './plugins/openapi.js';
import staticUi from './plugins/static-ui.js';
import authRoutes from './routes/auth.js';
import healthRoutes from './routes/health.js';
import hostRoutes from './routes/hosts.js';
import systemRoutes from './routes/system.js';
import userRoutes from './routes/users.js';
import type { App } from './types.js';
import wsRoute from './ws/route.js';
import { registerExtraRoutes } from './routes/index.js';

/**
 * Builds the whole HTTP app from a container. Used by main.ts (which only adds listen + shutdown) and by tests
 * (app.inject or a real port). Plugins load in order: external wrappers, our own, then routes.
 */
function trustHops(n: number): (address: string, hop: number) => boolean {
  return (_address, hop) => hop < n;
}

export async function buildApp(c: Container, options: FastifyServerOptions = {}): Promise<App> {
  const app = Fastify({
    loggerInstance: c.logger,
    // X-Forwarded-For is believed only behind a reverse proxy the admin declared (else any client picks its IP), and
    // only as many hops as declared: a count N trusts the N nearest hops (the peer and N-1 proxies before it).
    trustProxy: typeof c.config.trustProxy === 'number' ? trustHops(c.config.trustProxy) : c.config.trustProxy,
    bodyLimit: 4 * 1024 * 1024,
    // Over-long path parameters must reach our validation (422 with the reason), not Fastify's bare 400.
    routerOptions: { maxParamLength: 2048 },
    ajv: { customOptions: { coerceTypes: 'array', removeAdditional: false, useDefaults: true } },
    ...options,
  }).withTypeProvider<TypeBoxTypeProviderShim>() as unknown as App;

  app.addSchema(ErrorSchema);
  await app.register(errorsPlugin);
  await app.register(rateLimit, { global: false });
  await app.register(formbody);
  app.addContentTypeParser(['text/yaml', 'application/x-yaml', 'application/yaml', 'text/plain'], { parseAs: 'string' }, (_req, body, done) =>
    done(null, body),
  );
  await app.register(websocket, { options: { maxPayload: 64 * 1024 } });
  await app.register(openapi, { version: c.version });
  await app.register(authPlugin, { auth: c.auth });

  await app.register(healthRoutes, { version: c.version, startedAt: c.startedAt, ping: c.ping, describe: c.db.describe });
  await app.register(authRoutes, {
    auth: c.auth,
    users: c.repos.users,
    loginRateLimit: c.config.loginRateLimit,
    sessionsEnded: (userId) => c.bus.emit({ type: 'user_sessions_ended', user_id: userId }),
  });
  await app.register(userRoutes, { users: c.users, auth: c.auth, tokens: c.repos.tokens });
  await app.register(hostRoutes, { hosts: c.hosts, metricsHistory: c.metrics.history });
  await app.register(systemRoutes, { tasks: c.tasks, ssh: { user: c.config.sshUser, publicKey: c.sshKey.publicKey } });
  await registerExtraRoutes(app, c);
  await app.register(wsRoute, { hub: c.hub });
  await app.register(staticUi, { webDir: c.config.webDir });
  return app;
}

// withTypeProvider needs a type argument; the real provider type lives in types.ts (App).
type TypeBoxTypeProviderShim = import('@fastify/type-provider-typebox').TypeBoxTypeProvider;
