import { Type } from '@sinclair/typebox';
import type { TaskService } from '../../services/task.service.js';
import { IdParams, TaskSchema, errors } from '../schemas.js';
import type { App } from '../types.js';

export default async function systemRoutes(app: App, opts: { tasks: TaskService; ssh: { user: string; publicKey: string } }) {
  app.get(
    '/api/settings/ssh',
    {
      config: { access: 'admin' },
      schema: {
        tags: ['settings'],
        summary: "The dashboard's SSH public key, to put in the automation user's authorized_keys",
        response: { 200: Type.Object({ user: Type.String(), public_key: Type.String() }), ...errors(401, 403) },
      },
    },
    async () => ({ user: opts.ssh.user, public_key: opts.ssh.publicKey }),
  );

  app.get(
    '/api/tasks',
    {
      config: { access: 'viewer' },
      schema: {
        tags: ['tasks'],
        querystring: Type.Object({
          status: Type.Optional(Type.Union(['pending', 'running', 'success', 'failed'].map((s) => Type.Literal(s)))),
          host_id: Type.Optional(Type.Integer({ minimum: 1 })),
          action: Type.Optional(Type.String({ maxLength: 100 })),
          limit: Type.Integer({ minimum: 1, maximum: 1000, default: 100 }),
        }),
        response: { 200: Type.Object({ tasks: Type.Array(TaskSchema) }), ...errors(401, 422) },
      },
    },
    async (req) => ({ tasks: await opts.tasks.list(req.query as never) }),
  );

  app.get(
    '/api/tasks/:id',
    { config: { access: 'viewer' }, schema: { tags: ['tasks'], params: IdParams, response: { 200: TaskSchema, ...errors(401, 404, 422) } } },
    async (req) => opts.tasks.get(req.params.id),
  );
}
