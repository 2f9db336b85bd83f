import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { AppError, unauthorized } from '../../core/errors.js';
import type { Role } from '../../core/types.js';
import { type AuthService, type Principal, hasRole } from '../../services/auth.service.js';

export type Access = Role | 'public';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Who may call this route. Every /api route and /ws must say; a route without it makes the server refuse to start. */
    access?: Access;
  }
  interface FastifyRequest {
    principal: Principal | null;
  }
  interface FastifyInstance {
    /** Every route with its access level, for the role-matrix test and the docs. */
    routeTable: { method: string; url: string; access: Access }[];
  }
}

export function bearerOf(request: FastifyRequest): string | null {
  const h = request.headers.authorization;
  if (h) {
    const m = /^Bearer\s+(\S+)$/i.exec(h);
    return m ? m[1]! : null;
  }
  return null;
}

/**
 * Authentication and the role check, in one place for every route: viewer < operator < admin.
 * 401 without (valid) credentials, 403 with a role too low. The route table is kept for the role matrix test.
 */
export default fp(async function authPlugin(app: FastifyInstance, opts: { auth: AuthService }) {
  app.decorate('routeTable', [] as FastifyInstance['routeTable']);
  app.decorateRequest('principal', null);

  app.addHook('onRoute', (route) => {
    const isApi = route.url.startsWith('/api') || route.url === '/ws';
    const access = (route.config as { access?: Access } | undefined)?.access;
    if (isApi && !access) throw new Error(`route ${route.method} ${route.url} declares no access level`);
    if (!access || route.method === 'HEAD') return;
    for (const method of [route.method].flat()) app.routeTable.push({ method, url: route.url, access });
  });

  app.addHook('onRequest', async (request) => {
    const access = request.routeOptions.config?.access;
    if (!access || access === 'public') return;
    let token = bearerOf(request);
    // Browsers cannot set headers on a WebSocket: /ws accepts ?token= (or the first message, see the hub).
    if (!token && request.routeOptions.url === '/ws') {
      const q = (request.query as { token?: unknown } | undefined)?.token;
      // ?token=a&token=b: which one would count is a guess, and a guess about credentials is a refusal.
      if (Array.isArray(q)) throw new AppError(400, 'bad_request', 'token given more than once: give it once (better: in the first message)');
      if (typeof q === 'string' && q) token = q;
      else return; // the hub authenticates from the first message
    }
    if (!token) throw unauthorized('missing bearer token: log in at POST /api/auth/login');
    request.principal = await opts.auth.authenticate(token);
    if (!hasRole(request.principal.role, access)) {
      throw new AppError(403, 'forbidden', `this needs the ${access} role; you are ${request.principal.role}`);
    }
  });
});
