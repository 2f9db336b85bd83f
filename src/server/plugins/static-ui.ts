import fs from 'node:fs';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

/**
 * Serves the built UI (web/dist) at `/`. Unknown non-API paths get index.html so the UI's own routing works on reload.
 * Without a build, `/` says how to build it instead of a bare 404.
 */
export default async function staticUi(app: FastifyInstance, opts: { webDir: string }) {
  const index = path.join(opts.webDir, 'index.html');
  if (!fs.existsSync(index)) {
    app.get('/', { schema: { hide: true } as object }, async (_req, reply) =>
      reply.type('text/plain').send('The web UI is not built: run `npm run build` (npm start does it for you).\nThe API is at /api, its docs at /docs.\n'),
    );
    return;
  }
  await app.register(fastifyStatic, { root: opts.webDir, prefix: '/', wildcard: false, index: ['index.html'], maxAge: '1h', immutable: false });
  app.get('/*', { schema: { hide: true } as object }, async (req, reply) => {
    const url = req.url.split('?')[0]!;
    if (url.startsWith('/api/') || url === '/ws' || url.startsWith('/docs')) {
      return reply.status(404).send({ error: 'not_found', message: `no route ${req.method} ${url}` });
    }
    // Hashed assets that do not exist are real 404s; anything else is a UI route.
    if (url.startsWith('/assets/')) return reply.status(404).send({ error: 'not_found', message: `no file ${url}` });
    return reply.header('cache-control', 'no-cache').sendFile('index.html');
  });
}
