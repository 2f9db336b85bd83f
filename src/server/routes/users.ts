import { Type } from '@sinclair/typebox';
import type { TokenRepository } from '../../db/repositories/token.repository.js';
import { mapToken } from '../../db/repositories/token.repository.js';
import type { AuthService } from '../../services/auth.service.js';
import type { UserService } from '../../services/user.service.js';
import { AppError, notFound } from '../../core/errors.js';
import { IdParams, errors } from '../../contract/common.js';
import {
  TokenCreateBody,
  TokenCreatedSchema,
  TokenListSchema,
  UserCreateBody,
  UserListSchema,
  UserPatchBody,
  UserSchema,
} from '../../contract/users.js';
import type { App } from '../types.js';

export default async function userRoutes(app: App, opts: { users: UserService; auth: AuthService; tokens: TokenRepository }) {
  const { users } = opts;
  app.get(
    '/api/users',
    { config: { access: 'admin' }, schema: { tags: ['users'], response: { 200: UserListSchema, ...errors(401, 403) } } },
    async () => ({ users: await users.list() }),
  );
  app.post(
    '/api/users',
    {
      config: { access: 'admin' },
      schema: {
        tags: ['users'],
        body: UserCreateBody,
        response: { 201: UserSchema, ...errors(401, 403, 409, 422) },
      },
    },
    async (req, reply) => reply.status(201).send(await users.create(req.body)),
  );
  app.patch(
    '/api/users/:id',
    {
      config: { access: 'admin' },
      schema: {
        tags: ['users'],
        params: IdParams,
        body: UserPatchBody,
        response: { 200: UserSchema, ...errors(401, 403, 404, 409, 422) },
      },
    },
    async (req) => users.update(req.params.id, req.body),
  );
  app.delete(
    '/api/users/:id',
    {
      config: { access: 'admin' },
      schema: { tags: ['users'], params: IdParams, response: { 204: Type.Null(), ...errors(401, 403, 404, 409, 422) } },
    },
    async (req, reply) => {
      await users.remove(req.params.id, req.principal!.id);
      return reply.status(204).send(null);
    },
  );

  // API tokens: anyone signed in manages their own; admins see and revoke all.
  app.get(
    '/api/tokens',
    { config: { access: 'viewer' }, schema: { tags: ['tokens'], response: { 200: TokenListSchema, ...errors(401) } } },
    async (req) => {
      const p = req.principal!;
      const rows = p.role === 'admin' ? await opts.tokens.listAll() : await opts.tokens.listForUser(p.id);
      return { tokens: rows.map(mapToken) };
    },
  );
  app.post(
    '/api/tokens',
    {
      config: { access: 'viewer' },
      schema: {
        tags: ['tokens'],
        summary: 'Create an API token; the secret is in the answer only, once',
        body: TokenCreateBody,
        response: { 201: TokenCreatedSchema, ...errors(401, 403, 422) },
      },
    },
    async (req, reply) => {
      if (req.principal!.via === 'api_token') throw new AppError(403, 'forbidden', 'an API token cannot create other tokens: log in');
      const { row, secret } = await opts.auth.createApiToken(req.principal!, req.body.name, req.body.role, req.body.expires_in_days);
      return reply.status(201).send({ token: mapToken(row), secret });
    },
  );
  app.delete(
    '/api/tokens/:id',
    { config: { access: 'viewer' }, schema: { tags: ['tokens'], params: IdParams, response: { 204: Type.Null(), ...errors(401, 403, 404, 422) } } },
    async (req, reply) => {
      const row = await opts.tokens.get(req.params.id);
      const p = req.principal!;
      if (!row || (row.user_id !== p.id && p.role !== 'admin')) throw notFound('token', req.params.id);
      await opts.tokens.remove(row.id);
      return reply.status(204).send(null);
    },
  );
}
