import { Type } from '@sinclair/typebox';
import { Nullable } from './common.js';

const Ts = Nullable(Type.String());
const N = Nullable(Type.Integer());

export const ProxmoxClusterStatusSchema = Type.Union([Type.Literal('online'), Type.Literal('error'), Type.Literal('unreachable'), Type.Literal('unknown')]);

/** A Proxmox VE cluster as the API shows it: credentials are never returned, `auth` says which kind is stored. */
export const ProxmoxClusterSchema = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  host: Type.String({ description: 'the address of any node' }),
  port: Type.Integer(),
  auth: Type.Union([Type.Literal('password'), Type.Literal('token')]),
  username: Nullable(Type.String({ description: 'user@realm for password auth; null with a token' })),
  token_id: Nullable(Type.String({ description: 'user@realm!name for token auth; null with a password' })),
  tls_fingerprint: Nullable(Type.String({ description: 'SHA-256 of the pinned certificate, AA:BB:…' })),
  ca_pem: Nullable(Type.String({ description: 'the CA the certificate is verified with, instead of a pin' })),
  sync_interval_s: Type.Integer(),
  enabled: Type.Boolean(),
  status: ProxmoxClusterStatusSchema,
  status_reason: Ts,
  version: Ts,
  cluster_name: Nullable(Type.String({ description: 'null for a standalone host' })),
  quorate: Nullable(Type.Boolean()),
  nodes_total: N,
  nodes_online: N,
  last_sync_at: Ts,
  last_sync_ms: N,
  created_at: Type.String(),
  updated_at: Type.String(),
});

const Name = Type.String({ minLength: 1, maxLength: 100 });
const Host = Type.String({ minLength: 1, maxLength: 253, description: 'a node\'s name or IP address, without scheme or port' });
const Port = Type.Integer({ minimum: 1, maximum: 65535 });
const Secret = Type.String({ minLength: 1, maxLength: 1000 });

/** The fields both the create and the patch body take, all optional. */
const clusterOptions = {
  port: Type.Optional(Port),
  username: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'homelab, or homelab@pve (used as is)' })),
  password: Type.Optional(Secret),
  realm: Type.Optional(Type.String({ minLength: 1, maxLength: 32, description: 'appended to a username without @realm; pve by default' })),
  token_id: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'user@realm!name' })),
  token_secret: Type.Optional(Secret),
  tls_fingerprint: Type.Optional(Nullable(Type.String({ maxLength: 200, description: 'SHA-256, hex pairs with or without colons' }))),
  ca_pem: Type.Optional(Nullable(Type.String({ maxLength: 20_000, description: 'PEM of the CA (pve-root-ca.pem)' }))),
  sync_interval_s: Type.Optional(Type.Integer({ minimum: 10, maximum: 86_400 })),
  enabled: Type.Optional(Type.Boolean()),
};

export const ProxmoxClusterCreateBody = Type.Object(
  { name: Name, host: Host, ...clusterOptions },
  { additionalProperties: false, description: '{username, password, realm?} or {token_id, token_secret}: exactly one kind of credentials' },
);

export const ProxmoxClusterPatchBody = Type.Object(
  { name: Type.Optional(Name), host: Type.Optional(Host), ...clusterOptions },
  { additionalProperties: false, minProperties: 1, description: 'credentials sent replace the stored ones (a whole kind)' },
);

export const ProxmoxClusterListSchema = Type.Object({ clusters: Type.Array(ProxmoxClusterSchema) });

export const ProxmoxTestResultSchema = Type.Object({
  ok: Type.Boolean(),
  version: Type.String({ description: 'pve-manager version, e.g. 9.1.5' }),
  release: Type.String({ description: 'e.g. 9.1' }),
  fingerprint: Type.String({ description: 'the certificate met (pinned at the first success unless a CA is given)' }),
  cluster_name: Nullable(Type.String()),
  quorate: Nullable(Type.Boolean({ description: 'null when the user may not read /cluster/status (Sys.Audit on /)' })),
  nodes: Type.Array(Type.Object({ name: Type.String(), online: Type.Boolean() })),
});
