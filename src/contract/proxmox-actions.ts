import { Type } from '@sinclair/typebox';
import { Nullable } from './common.js';

/** Guest power actions: `suspend` is the seed's "Pause" (QEMU: paused; LXC: a checkpoint), `stop` is immediate. */
export const ProxmoxGuestActionSchema = Type.Union(
  [Type.Literal('start'), Type.Literal('shutdown'), Type.Literal('stop'), Type.Literal('suspend'), Type.Literal('resume'), Type.Literal('reboot')],
  { description: 'start, shutdown (clean), stop (immediate: unsaved data in the guest is lost), suspend, resume, reboot' },
);

const ClusterId = Type.Integer({ minimum: 1 });
const Vmid = Type.Integer({ minimum: 100, maximum: 999_999_999, description: "the guest's VMID" });

export const ProxmoxGuestActionParams = Type.Object({ id: ClusterId, vmid: Vmid, action: ProxmoxGuestActionSchema });
export const ProxmoxSnapshotParams = Type.Object({
  id: ClusterId,
  vmid: Vmid,
  name: Type.String({ minLength: 1, maxLength: 40, description: 'the snapshot' }),
});

/** Every action answers as soon as PVE accepted it; the task row then follows PVE's task until it ends. */
export const ProxmoxActionResultSchema = Type.Object({
  success: Type.Literal(true),
  task_id: Type.Integer({ description: 'GET /api/tasks/{task_id}: ends success or failed with PVE\'s exit status and log' }),
  upid: Nullable(Type.String({ description: "PVE's task id; null for a node reboot or shutdown (PVE starts no task)" })),
});

export const ProxmoxSnapshotBody = Type.Object(
  {
    name: Type.Optional(Type.String({ maxLength: 200, description: 'letters, digits and _, starting with a letter, 2–40 characters; otherwise one is generated' })),
    description: Type.Optional(Type.String({ maxLength: 8192 })),
    vmstate: Type.Optional(Type.Boolean({ description: 'QEMU only: save the RAM too' })),
  },
  { additionalProperties: false },
);

export const ProxmoxSnapshotResultSchema = Type.Object({
  ...ProxmoxActionResultSchema.properties,
  name: Type.String({ description: 'the name used' }),
  generated: Type.Boolean({ description: 'true when the name given was missing, invalid or reserved and this one was generated' }),
});

// The values are checked by the service, which names the bad option (422): a schema error would not say which.
const option = (description: string) => Type.Optional(Type.Unknown({ description }));
export const ProxmoxBackupOptionsObject = Type.Object(
  {
    storage: option('a storage with backup content; default: the first available one'),
    mode: option('snapshot | suspend | stop'),
    compress: option('0 | gzip | lzo | zstd'),
    mailnotification: option('always | failure'),
    remove: option('0 | 1: prune old backups by the storage\'s retention'),
  },
  { additionalProperties: true },
);

export const ProxmoxBackupBody = Type.Object(
  {
    email: Type.Optional(Type.String({ maxLength: 254, description: 'where PVE mails the report' })),
    options: Type.Optional(
      Type.Union([Type.String({ maxLength: 2000, description: 'option=value, one per line or separated by spaces or ;' }), ProxmoxBackupOptionsObject]),
    ),
  },
  { additionalProperties: false },
);

export const ProxmoxBackupResultSchema = Type.Object({
  ...ProxmoxActionResultSchema.properties,
  storage: Type.String({ description: 'the storage the backup is written to' }),
});
