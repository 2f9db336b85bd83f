import type { FastifyInstance } from 'fastify';
import type { WsHub } from './hub.js';

export default async function wsRoute(app: FastifyInstance, opts: { hub: WsHub }) {
  app.get(
    '/ws',
    {
      websocket: true,
      config: { access: 'viewer' },
      schema: { hide: true } as object,
    },
    (socket, request) => opts.hub.accept(socket, request.principal),
  );
}
