import { IdParams, errors } from '../../contract/common.js';
import {
  ProxmoxGuestDetailSchema,
  ProxmoxGuestListSchema,
  ProxmoxGuestParams,
  ProxmoxNodeListSchema,
  ProxmoxNodeParams,
  ProxmoxRrdSchema,
  ProxmoxStorageListSchema,
  ProxmoxSyncResultSchema,
  ProxmoxTimeframeQuery,
} from '../../contract/proxmox-inventory.js';
import type { ProxmoxModule } from '../../services/proxmox/index.js';
import type { App } from '../types.js';

/** A cluster's sync (operator) and what it stored (viewer): nodes, guests, storage, a guest's detail, charts. */
export default async function proxmoxInventoryRoutes(app: App, opts: { proxmox: Pick<ProxmoxModule, 'sync' | 'inventory'> }) {
  const { sync, inventory } = opts.proxmox;
  const tags = ['proxmox'];
  const base = '/api/proxmox/clusters/:id';

  app.post(
    `${base}/sync`,
    {
      config: { access: 'operator' },
      schema: {
        tags,
        summary: "Sync now: nodes, guests and storage stored, what is gone removed; a failing node or call is listed in errors, the rest kept. 502 when the cluster cannot be reached",
        params: IdParams,
        response: { 200: ProxmoxSyncResultSchema, ...errors(401, 403, 404, 409, 422, 502) },
      },
    },
    async (req) => sync.sync(req.params.id),
  );

  app.get(
    `${base}/nodes`,
    { config: { access: 'viewer' }, schema: { tags, summary: 'Nodes as the last sync saw them', params: IdParams, response: { 200: ProxmoxNodeListSchema, ...errors(401, 404, 422) } } },
    async (req) => ({ nodes: await inventory.nodes(req.params.id) }),
  );

  app.get(
    `${base}/nodes/:node/rrd`,
    {
      config: { access: 'viewer' },
      schema: { tags, summary: "A node's chart from PVE's rrddata", params: ProxmoxNodeParams, querystring: ProxmoxTimeframeQuery, response: { 200: ProxmoxRrdSchema, ...errors(401, 404, 422, 502) } },
    },
    async (req) => inventory.nodeRrd(req.params.id, req.params.node, req.query.timeframe ?? 'hour'),
  );

  app.get(
    `${base}/guests`,
    { config: { access: 'viewer' }, schema: { tags, summary: 'VMs and containers as the last sync saw them', params: IdParams, response: { 200: ProxmoxGuestListSchema, ...errors(401, 404, 422) } } },
    async (req) => ({ guests: await inventory.guests(req.params.id) }),
  );

  app.get(
    `${base}/guests/:vmid`,
    {
      config: { access: 'viewer' },
      schema: { tags, summary: 'A guest with its snapshots and backups (read from PVE now)', params: ProxmoxGuestParams, response: { 200: ProxmoxGuestDetailSchema, ...errors(401, 404, 422) } },
    },
    async (req) => inventory.guest(req.params.id, req.params.vmid),
  );

  app.get(
    `${base}/guests/:vmid/rrd`,
    {
      config: { access: 'viewer' },
      schema: { tags, summary: "A guest's chart from PVE's rrddata", params: ProxmoxGuestParams, querystring: ProxmoxTimeframeQuery, response: { 200: ProxmoxRrdSchema, ...errors(401, 404, 422, 502) } },
    },
    async (req) => inventory.guestRrd(req.params.id, req.params.vmid, req.query.timeframe ?? 'hour'),
  );

  app.get(
    `${base}/storage`,
    { config: { access: 'viewer' }, schema: { tags, summary: 'Storage per node as the last sync saw it', params: IdParams, response: { 200: ProxmoxStorageListSchema, ...errors(401, 404, 422) } } },
    async (req) => ({ storage: await inventory.storage(req.params.id) }),
  );
}
