import { Type } from '@sinclair/typebox';
import { Nullable } from './common.js';

/** What the Proxmox sync stores and the read routes answer (issue 10, "Sync"). Figures are PVE's, in bytes. */

const Num = Nullable(Type.Number());
const Int = Nullable(Type.Integer());

export const ProxmoxNodeSchema = Type.Object({
  node: Type.String(),
  status: Type.String({ description: 'online | offline | unknown, as PVE says' }),
  uptime_s: Int,
  cpu_usage: Nullable(Type.Number({ description: 'a fraction 0–1, as PVE gives it' })),
  cpu_count: Int,
  cpu_model: Nullable(Type.String()),
  mem_used: Num,
  mem_total: Num,
  disk_used: Nullable(Type.Number({ description: 'the root filesystem' })),
  disk_total: Num,
  loadavg: Nullable(Type.Array(Type.Number(), { description: '1, 5 and 15 minutes' })),
  kernel_version: Nullable(Type.String()),
  pve_version: Nullable(Type.String({ description: 'pve-manager version, e.g. 9.1.5' })),
  updated_at: Type.String(),
});
export const ProxmoxNodeListSchema = Type.Object({ nodes: Type.Array(ProxmoxNodeSchema) });

export const ProxmoxGuestTypeSchema = Type.Union([Type.Literal('qemu'), Type.Literal('lxc')]);
export const ProxmoxAgentStateSchema = Type.Union([Type.Literal('running'), Type.Literal('not_running'), Type.Literal('not_configured')]);

export const ProxmoxGuestSchema = Type.Object({
  vmid: Type.Integer(),
  name: Type.String(),
  type: ProxmoxGuestTypeSchema,
  node: Type.String(),
  status: Type.String({ description: "running | stopped | paused | suspended (QEMU's run state), unknown on an offline node, and PVE's others as they come" }),
  cpus: Int,
  cpu_usage: Num,
  mem_used: Num,
  mem_total: Num,
  disk_used: Num,
  disk_total: Num,
  uptime_s: Int,
  ipv4: Type.Array(Type.String(), { description: 'what PVE reports (guest agent for QEMU, /interfaces for LXC), without loopback and link-local' }),
  ipv6: Type.Array(Type.String()),
  agent: Type.Union([Type.Literal('running'), Type.Literal('not_running'), Type.Literal('not_configured')], {
    description: 'QEMU: the guest agent (needed for the IPs of a VM); LXC: not_configured (their IPs need no agent)',
  }),
  tags: Type.Array(Type.String()),
  lock: Nullable(Type.String()),
  template: Type.Boolean(),
  ha_state: Nullable(Type.String()),
  snapshots: Type.Integer({ description: "how many, without PVE's synthetic `current`" }),
  updated_at: Type.String(),
});
export const ProxmoxGuestListSchema = Type.Object({ guests: Type.Array(ProxmoxGuestSchema) });

export const ProxmoxSnapshotSchema = Type.Object({
  name: Type.String(),
  description: Type.String(),
  time: Nullable(Type.String({ description: 'when it was taken (ISO 8601)' })),
  parent: Nullable(Type.String()),
  vmstate: Type.Boolean({ description: 'taken with RAM (QEMU)' }),
});

export const ProxmoxBackupSchema = Type.Object({
  volid: Type.String(),
  storage: Type.String(),
  format: Type.String(),
  size: Type.Number(),
  time: Type.String({ description: 'ctime (ISO 8601)' }),
  notes: Nullable(Type.String()),
  protected: Type.Boolean(),
});

/** A guest with its snapshots and backups, read from PVE when asked. */
export const ProxmoxGuestDetailSchema = Type.Object({
  ...ProxmoxGuestSchema.properties,
  snapshot_list: Type.Array(ProxmoxSnapshotSchema, { description: 'oldest first' }),
  backups: Type.Array(ProxmoxBackupSchema, { description: 'newest first, from every available storage with backup content the node sees' }),
  errors: Type.Array(Type.String(), { description: 'reads that failed (a storage offline, a privilege missing); the rest is shown' }),
});

export const ProxmoxStorageSchema = Type.Object({
  storage: Type.String(),
  node: Type.String(),
  type: Type.String({ description: 'dir, lvmthin, zfspool, nfs, pbs…' }),
  status: Type.String({ description: 'available | unknown (inactive or its node offline)' }),
  content: Type.Array(Type.String()),
  used: Num,
  total: Num,
  shared: Type.Boolean(),
  updated_at: Type.String(),
});
export const ProxmoxStorageListSchema = Type.Object({ storage: Type.Array(ProxmoxStorageSchema) });

export const ProxmoxSyncResultSchema = Type.Object({
  nodes: Type.Integer(),
  guests: Type.Integer(),
  storage: Type.Integer(),
  duration_ms: Type.Integer(),
  errors: Type.Array(Type.String(), { description: 'calls that failed; everything else was stored' }),
});

export const ProxmoxTimeframeQuery = Type.Object(
  { timeframe: Type.Optional(Type.Union([Type.Literal('hour'), Type.Literal('day'), Type.Literal('week')], { default: 'hour' })) },
  { additionalProperties: false },
);

export const ProxmoxRrdSchema = Type.Object({
  points: Type.Array(
    Type.Object({
      time: Type.Integer({ description: 'Unix seconds, oldest first' }),
      cpu: Num,
      mem_used: Num,
      mem_total: Num,
      netin: Nullable(Type.Number({ description: 'bytes per second' })),
      netout: Num,
      diskread: Nullable(Type.Number({ description: 'bytes per second; null for nodes (PVE keeps none)' })),
      diskwrite: Num,
    }),
  ),
});

const NODE_PATTERN = '^[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?$';
export const ProxmoxNodeParams = Type.Object({ id: Type.Integer({ minimum: 1 }), node: Type.String({ pattern: NODE_PATTERN }) });
export const ProxmoxGuestParams = Type.Object({ id: Type.Integer({ minimum: 1 }), vmid: Type.Integer({ minimum: 100, maximum: 999_999_999 }) });
