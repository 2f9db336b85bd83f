import type { FastifyError, FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { AppError } from '../../core/errors.js';

/**
 * The one error handler: every error becomes `{error, message}` with the right status. Input problems are 422 with
 * what is wrong; details of 5xx stay in the log. Errors from lower layers that carry `statusCode`/`code` (e.g. a
 * docker input validation error) are honoured.
 */
export default fp(async function errorsPlugin(app: FastifyInstance) {
  app.setErrorHandler((err: FastifyError & { cause?: unknown; field?: string }, request, reply) => {
    if (err instanceof AppError) {
      if (err.statusCode >= 500) request.log.error({ err }, err.message);
      return reply.status(err.statusCode).send({ error: err.code, message: err.message });
    }
    if (err.validation) {
      const where = err.validationContext ?? 'request';
      const first = err.validation[0];
      const path = first?.instancePath ? first.instancePath.replace(/^\//, '').replace(/\//g, '.') : (first?.params as { missingProperty?: string })?.missingProperty;
      return reply
        .status(422)
        .send({ error: 'validation_failed', message: `${where}${path ? `.${path}` : ''}: ${first?.message ?? err.message}` });
    }
    if ((err as { code?: string }).code === 'invalid_input' && typeof (err as { message?: string }).message === 'string') {
      return reply.status(422).send({ error: 'invalid_input', message: err.message });
    }
    if (err.statusCode === 429) {
      return reply.status(429).send({ error: 'rate_limited', message: err.message });
    }
    if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) {
      const code = err.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE' ? 'unsupported_media_type' : 'bad_request';
      return reply.status(err.statusCode).send({ error: code, message: err.message });
    }
    request.log.error({ err }, 'unhandled error');
    return reply.status(500).send({ error: 'internal', message: 'internal server error (details are in the server log)' });
  });

  app.setNotFoundHandler((request, reply) => {
    reply.status(404).send({ error: 'not_found', message: `no route ${request.method} ${request.url.split('?')[0]}` });
  });
});
