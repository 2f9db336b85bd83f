import type { FastifyInstance } from 'fastify';
import { bearerOf } from '../plugins/auth.js';
import type { WsHub } from './hub.js';

export default async function wsRoute(app: FastifyInstance, opts: { hub: WsHub }) {
  app.get(
    '/ws',
    {
      websocket: true,
      config: { access: 'viewer' },
      schema: { hide: true } as object,
    },
    (socket, request) => opts.hub.accept(socket, request.principal, bearerOf(request) ?? (request.query as { token?: string }).token ?? null),
  );
}
