import type { TaskService } from '../../services/task.service.js';
import { IdParams, errors } from '../../contract/common.js';
import { SshSettingsSchema } from '../../contract/system.js';
import { TaskListSchema, TaskQuery, TaskSchema } from '../../contract/tasks.js';
import type { App } from '../types.js';

export default async function systemRoutes(app: App, opts: { tasks: TaskService; ssh: { user: string; publicKey: string } }) {
  app.get(
    '/api/settings/ssh',
    {
      config: { access: 'admin' },
      schema: {
        tags: ['settings'],
        summary: "The dashboard's SSH public key, to put in the automation user's authorized_keys",
        response: { 200: SshSettingsSchema, ...errors(401, 403) },
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
        querystring: TaskQuery,
        response: { 200: TaskListSchema, ...errors(401, 422) },
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
