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
    // A token in the query (still taken from scripts; the UI sends it in the first message) was checked by the auth
    // hook, which refuses it given twice.
    (socket, request) => opts.hub.accept(socket, request.principal, bearerOf(request) ?? ((request.query as { token?: string }).token || null)),
  );
}
