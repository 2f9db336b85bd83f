import { Type } from '@sinclair/typebox';
import type { AuthService } from '../../services/auth.service.js';
import { errors } from '../../contract/common.js';
import { LoginBody, LoginResultSchema, MeSchema } from '../../contract/users.js';
import type { App } from '../types.js';

export default async function authRoutes(
  app: App,
  opts: { auth: AuthService; users: { get(id: number): Promise<unknown> }; loginRateLimit: number; sessionsEnded(userId: number): void },
) {
  app.post(
    '/api/auth/login',
    {
      config: {
        access: 'public',
        rateLimit: {
          max: opts.loginRateLimit,
          timeWindow: 60_000,
          // request.ip is the TCP peer unless HOMELAB_TRUST_PROXY names the proxies in front (a count or their
          // addresses, never "every hop"); then it is the client address the trusted proxy reported, which the client
          // cannot choose (what it writes itself sits left of that entry). So each client behind the proxy has its own
          // budget, and a new X-Forwarded-For per attempt gets none.
          keyGenerator: (req) => req.ip,
        },
      },
      schema: {
        tags: ['auth'],
        summary: 'Exchange a username and password for a bearer token',
        body: LoginBody,
        response: {
          200: LoginResultSchema,
          ...errors(401, 422, 429),
        },
      },
    },
    async (req) => opts.auth.login(req.body.username, req.body.password),
  );

  app.post(
    '/api/auth/logout',
    {
      config: { access: 'viewer' },
      schema: {
        tags: ['auth'],
        summary: "End this token's session now (its WebSockets close); the user's other sessions go on",
        response: { 204: Type.Null(), ...errors(401, 422) },
      },
    },
    async (req, reply) => {
      const bearer = (req.headers.authorization ?? '').replace(/^Bearer\s+/i, '');
      const { userId } = await opts.auth.logout(bearer);
      opts.sessionsEnded(userId);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/api/auth/me',
    {
      config: { access: 'viewer' },
      schema: {
        tags: ['auth'],
        summary: 'Who the token belongs to',
        response: { 200: MeSchema, ...errors(401) },
      },
    },
    async (req) => ({ id: req.principal!.id, username: req.principal!.username, role: req.principal!.role }),
  );
}
