import { Type } from '@sinclair/typebox';
import { IdParams, errors } from '../../contract/common.js';
import {
  ProxmoxClusterCreateBody,
  ProxmoxClusterListSchema,
  ProxmoxClusterPatchBody,
  ProxmoxClusterSchema,
  ProxmoxTestResultSchema,
} from '../../contract/proxmox.js';
import type { ProxmoxModule } from '../../services/proxmox/index.js';
import type { App } from '../types.js';

/** Proxmox VE clusters (admin; viewers read them) and their test. */
export default async function proxmoxRoutes(app: App, opts: { proxmox: Pick<ProxmoxModule, 'clusters'> }) {
  const { clusters } = opts.proxmox;
  const tags = ['proxmox'];

  app.get(
    '/api/proxmox/clusters',
    { config: { access: 'viewer' }, schema: { tags, response: { 200: ProxmoxClusterListSchema, ...errors(401) } } },
    async () => ({ clusters: await clusters.list() }),
  );

  app.get(
    '/api/proxmox/clusters/:id',
    { config: { access: 'viewer' }, schema: { tags, params: IdParams, response: { 200: ProxmoxClusterSchema, ...errors(401, 404, 422) } } },
    async (req) => clusters.get(req.params.id),
  );

  app.post(
    '/api/proxmox/clusters',
    {
      config: { access: 'admin' },
      schema: {
        tags,
        summary: 'Add a cluster: {username, password, realm?} or {token_id, token_secret}; port 8006 and realm pve by default',
        body: ProxmoxClusterCreateBody,
        response: { 201: ProxmoxClusterSchema, ...errors(401, 403, 409, 422) },
      },
    },
    async (req, reply) => reply.status(201).send(await clusters.create(req.body)),
  );

  app.patch(
    '/api/proxmox/clusters/:id',
    { config: { access: 'admin' }, schema: { tags, params: IdParams, body: ProxmoxClusterPatchBody, response: { 200: ProxmoxClusterSchema, ...errors(401, 403, 404, 409, 422) } } },
    async (req) => clusters.update(req.params.id, req.body),
  );

  app.delete(
    '/api/proxmox/clusters/:id',
    { config: { access: 'admin' }, schema: { tags, summary: 'Remove a cluster', params: IdParams, response: { 204: Type.Null(), ...errors(401, 403, 404, 422) } } },
    async (req, reply) => {
      await clusters.remove(req.params.id);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/api/proxmox/clusters/:id/test',
    {
      config: { access: 'admin' },
      schema: {
        tags,
        summary: "Reach the cluster now: version, quorum, nodes; pins its certificate at the first success; 409 for a changed certificate, 502 with PVE's reason",
        params: IdParams,
        response: { 200: ProxmoxTestResultSchema, ...errors(401, 403, 404, 409, 422, 500, 502) },
      },
    },
    async (req) => clusters.test(req.params.id),
  );
}
