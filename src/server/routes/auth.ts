import type { AuthService } from '../../services/auth.service.js';
import { errors } from '../../contract/common.js';
import { LoginBody, LoginResultSchema, MeSchema } from '../../contract/users.js';
import type { App } from '../types.js';

export default async function authRoutes(app: App, opts: { auth: AuthService; users: { get(id: number): Promise<unknown> }; loginRateLimit: number }) {
  app.post(
    '/api/auth/login',
    {
      config: {
        access: 'public',
        rateLimit: {
          max: opts.loginRateLimit,
          timeWindow: 60_000,
          // Keyed on the TCP peer, not request.ip: the app trusts X-Forwarded-For from anyone (trustProxy: true),
          // so request.ip is whatever the client claims and a new header per attempt would get a new budget.
          keyGenerator: (req) => req.socket.remoteAddress ?? req.ip,
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
