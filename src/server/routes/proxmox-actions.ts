import { errors } from '../../contract/common.js';
import {
  ProxmoxActionResultSchema,
  ProxmoxBackupBody,
  ProxmoxBackupResultSchema,
  ProxmoxGuestActionParams,
  ProxmoxSnapshotBody,
  ProxmoxSnapshotParams,
  ProxmoxSnapshotResultSchema,
} from '../../contract/proxmox-actions.js';
import { ProxmoxGuestParams, ProxmoxNodeParams } from '../../contract/proxmox-inventory.js';
import type { ProxmoxActionsService, ProxmoxNodeAction } from '../../services/proxmox/actions.service.js';
import type { App } from '../types.js';

const tags = ['proxmox'];
/** 404 cluster/guest/snapshot, 409 wrong state or busy, 422 bad input, 502 PVE refused or unreachable (its text kept). */
const actionErrors = errors(401, 403, 404, 409, 422, 500, 502);

/**
 * Proxmox actions, each a task tracked through PVE's UPID (operator; deleting or rolling back a snapshot and
 * rebooting or shutting down a node: admin). The answer comes as soon as PVE accepted the action.
 */
export default async function proxmoxActionRoutes(app: App, opts: { actions: ProxmoxActionsService }) {
  const { actions } = opts;

  app.post(
    '/api/proxmox/clusters/:id/guests/:vmid/snapshots',
    {
      config: { access: 'operator' },
      schema: {
        tags,
        summary: 'Take a snapshot; a missing, invalid or reserved name gets a generated one (the answer says which name was used)',
        params: ProxmoxGuestParams,
        body: ProxmoxSnapshotBody,
        response: { 200: ProxmoxSnapshotResultSchema, ...actionErrors },
      },
    },
    async (req) => actions.snapshot(req.params.id, req.params.vmid, req.body ?? {}, req.principal!.username),
  );

  app.delete(
    '/api/proxmox/clusters/:id/guests/:vmid/snapshots/:name',
    {
      config: { access: 'admin' },
      schema: { tags, summary: 'Delete a snapshot', params: ProxmoxSnapshotParams, response: { 200: ProxmoxActionResultSchema, ...actionErrors } },
    },
    async (req) => actions.deleteSnapshot(req.params.id, req.params.vmid, req.params.name, req.principal!.username),
  );

  app.post(
    '/api/proxmox/clusters/:id/guests/:vmid/snapshots/:name/rollback',
    {
      config: { access: 'admin' },
      schema: {
        tags,
        summary: 'Roll back to a snapshot (a running guest is stopped first; a QEMU snapshot with RAM leaves it running)',
        params: ProxmoxSnapshotParams,
        response: { 200: ProxmoxActionResultSchema, ...actionErrors },
      },
    },
    async (req) => actions.rollback(req.params.id, req.params.vmid, req.params.name, req.principal!.username),
  );

  app.post(
    '/api/proxmox/clusters/:id/guests/:vmid/backup',
    {
      config: { access: 'operator' },
      schema: {
        tags,
        summary: 'Back up with vzdump: options storage, mode, compress, mailnotification, remove, as an object or option=value text',
        params: ProxmoxGuestParams,
        body: ProxmoxBackupBody,
        response: { 200: ProxmoxBackupResultSchema, ...actionErrors },
      },
    },
    async (req) => actions.backup(req.params.id, req.params.vmid, req.body ?? {}, req.principal!.username),
  );

  // After the static paths above: find-my-way prefers them over the parameter anyway.
  app.post(
    '/api/proxmox/clusters/:id/guests/:vmid/:action',
    {
      config: { access: 'operator' },
      schema: {
        tags,
        summary: 'start, shutdown, stop (immediate), suspend, resume or reboot a guest; 409 when it makes no sense in its state',
        params: ProxmoxGuestActionParams,
        response: { 200: ProxmoxActionResultSchema, ...actionErrors },
      },
    },
    async (req) => actions.guestAction(req.params.id, req.params.vmid, req.params.action, req.principal!.username),
  );

  const node = (action: ProxmoxNodeAction, access: 'operator' | 'admin', summary: string) =>
    app.post(
      `/api/proxmox/clusters/:id/nodes/:node/${action}`,
      { config: { access }, schema: { tags, summary, params: ProxmoxNodeParams, response: { 200: ProxmoxActionResultSchema, ...actionErrors } } },
      async (req) => actions.nodeAction(req.params.id, req.params.node, action, req.principal!.username),
    );
  node('startall', 'operator', 'Start every guest of the node that has "start at boot"');
  node('stopall', 'operator', 'Shut down every running guest of the node');
  node('reboot', 'admin', 'Reboot the node: every guest on it stops first (PVE starts no task: upid is null)');
  node('shutdown', 'admin', 'Power the node off: every guest on it stops first (PVE starts no task: upid is null)');
}
