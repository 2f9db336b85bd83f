import { Type } from '@sinclair/typebox';
import type { AuthService } from '../../services/auth.service.js';
import { UserSchema, errors } from '../schemas.js';
import type { App } from '../types.js';

const LoginBody = Type.Object(
  {
    username: Type.String({ minLength: 1, maxLength: 64 }),
    password: Type.String({ minLength: 1, maxLength: 1024 }),
    grant_type: Type.Optional(Type.String()),
    scope: Type.Optional(Type.String()),
  },
  { description: 'JSON, or the OAuth2 password form (application/x-www-form-urlencoded)' },
);

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
          200: Type.Object({ access_token: Type.String(), token_type: Type.Literal('bearer'), expires_in: Type.Integer() }),
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
        response: { 200: Type.Pick(UserSchema, ['id', 'username', 'role']), ...errors(401) },
      },
    },
    async (req) => ({ id: req.principal!.id, username: req.principal!.username, role: req.principal!.role }),
  );
}
