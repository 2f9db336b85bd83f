import { Type } from '@sinclair/typebox';
import { invalid } from '../../core/errors.js';
import type { HostService } from '../../services/host.service.js';
import { IdParams, errors } from '../../contract/common.js';
import {
  CheckResultSchema,
  HostBody,
  HostListQuery,
  HostListSchema,
  HostPatchBody,
  HostSchema,
  ImportBody,
  ImportResultSchema,
  MetricsListSchema,
} from '../../contract/hosts.js';
import type { App } from '../types.js';

export default async function hostRoutes(app: App, opts: { hosts: HostService; metricsHistory(hostId: number, hours: number): Promise<unknown[]> }) {
  const { hosts } = opts;
  const tags = ['hosts'];

  app.get(
    '/api/hosts',
    { config: { access: 'viewer' }, schema: { tags, querystring: HostListQuery, response: { 200: HostListSchema, ...errors(401, 422) } } },
    async (req) => ({ hosts: await hosts.list(req.query.group) }),
  );

  app.post(
    '/api/hosts',
    { config: { access: 'admin' }, schema: { tags, body: HostBody, response: { 201: HostSchema, ...errors(401, 403, 409, 422) } } },
    async (req, reply) => reply.status(201).send(await hosts.create(req.body)),
  );

  app.get('/api/hosts/:id', { config: { access: 'viewer' }, schema: { tags, params: IdParams, response: { 200: HostSchema, ...errors(401, 404, 422) } } }, async (req) =>
    hosts.get(req.params.id),
  );

  app.patch(
    '/api/hosts/:id',
    {
      config: { access: 'admin' },
      schema: { tags, params: IdParams, body: HostPatchBody, response: { 200: HostSchema, ...errors(401, 403, 404, 409, 422) } },
    },
    async (req) => hosts.update(req.params.id, req.body),
  );

  app.delete(
    '/api/hosts/:id',
    { config: { access: 'admin' }, schema: { tags, params: IdParams, response: { 204: Type.Null(), ...errors(401, 403, 404, 422) } } },
    async (req, reply) => {
      await hosts.remove(req.params.id);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/api/hosts/:id/check',
    {
      config: { access: 'operator' },
      schema: {
        tags,
        summary: 'Connect over SSH, run `uname -a`, pin the host key on first success',
        params: IdParams,
        response: {
          200: CheckResultSchema,
          ...errors(401, 403, 404, 409, 422, 502),
        },
      },
    },
    async (req) => hosts.check(req.params.id),
  );

  app.post(
    '/api/hosts/:id/forget-host-key',
    { config: { access: 'admin' }, schema: { tags, params: IdParams, response: { 200: HostSchema, ...errors(401, 403, 404, 422) } } },
    async (req) => hosts.forgetHostKey(req.params.id),
  );

  app.get(
    '/api/hosts/:id/metrics',
    {
      config: { access: 'viewer' },
      schema: {
        tags,
        summary: 'Metric history (kept 7 days by default)',
        params: IdParams,
        querystring: Type.Object({ hours: Type.Integer({ minimum: 1, maximum: 24 * 31, default: 24 }) }),
        response: { 200: MetricsListSchema, ...errors(401, 404, 422) },
      },
    },
    async (req) => {
      await hosts.row(req.params.id);
      return { metrics: (await opts.metricsHistory(req.params.id, req.query.hours)) as never[] };
    },
  );

  app.post(
    '/api/hosts/import',
    {
      config: { access: 'admin' },
      schema: {
        tags,
        summary: 'Import an Ansible YAML inventory (the YAML itself as text/yaml, or JSON {content})',
        body: ImportBody,
        response: { 200: ImportResultSchema, ...errors(401, 403, 415, 422) },
      },
    },
    async (req) => {
      const text = typeof req.body === 'string' ? req.body : req.body.content;
      if (typeof text !== 'string') throw invalid('send the inventory as text/yaml or as JSON {"content": "<yaml>"}');
      return hosts.importInventory(text);
    },
  );
}
