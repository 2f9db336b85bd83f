import { X509Certificate } from 'node:crypto';
import { invalid } from '../../core/errors.js';
import type { ProxmoxClusterInput, ProxmoxClusterPatch } from '../../core/types.js';
import type { ProxmoxAuth } from '../../providers/proxmox/types.js';

export { normaliseFingerprint, validateInterval, validateName } from '../portainer/validation.js';
export type { ProxmoxClusterInput, ProxmoxClusterPatch };

const LABEL = '[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?';
const HOSTNAME = new RegExp(`^${LABEL}(?:\\.${LABEL})*$`);
const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;
/** pve-realm and the token name (pve-access-control): a letter, then letters, digits, `.`, `-`, `_`. */
const REALM = /^[A-Za-z][A-Za-z0-9.\-_]+$/;
/** The user part of a PVE user id: no whitespace, `:`, `/` or `@` (verify_username). */
const USER = /^[^\s:/@]+$/;
const TOKEN_ID = /^([^\s:/@]+@[A-Za-z][A-Za-z0-9.\-_]+)!([A-Za-z][A-Za-z0-9.\-_]+)$/;
/** Sent as `PVEAPIToken=id=secret`, read by PVE up to the next `;`: no whitespace nor `;`. */
const TOKEN_SECRET = /^[^\s;]+$/;

/** A node's name or IP address (IPv6 without brackets), lower-cased; 422 for a URL, a port or anything else. */
export function normaliseHost(raw: string): string {
  const host = raw.trim().replace(/^\[(.*)\]$/, '$1').toLowerCase();
  if (IPV4.test(host)) {
    if (host.split('.').some((o) => Number(o) > 255)) throw invalid('host: not an IPv4 address', 'invalid_host');
    return host;
  }
  if (HOSTNAME.test(host) && host.length <= 253) return host;
  if (host.includes(':') && /^[0-9a-f:.]{2,45}$/.test(host)) return host;
  throw invalid('host: the name or IP address of a node (e.g. pve1.lan or 192.168.1.10), without scheme, port or path', 'invalid_host');
}

/**
 * The PVE user id to log in with. A username that carries `@realm` is used as is: PVE appends `realm` whenever it
 * is given, and `homelab@pve` + `pve` would be `homelab@pve@pve`. Otherwise the realm (pve by default) is appended.
 */
export function userIdOf(username: string, realm: string | undefined): string {
  const at = username.lastIndexOf('@');
  const user = at >= 0 ? username.slice(0, at) : username;
  const ownRealm = at >= 0 ? username.slice(at + 1) : undefined;
  if (!USER.test(user)) throw invalid('username: no spaces, ":" or "/"', 'invalid_credentials');
  if (ownRealm !== undefined && realm !== undefined && realm !== ownRealm) {
    throw invalid(`realm: the username already names the realm ${ownRealm}; leave realm out or make them agree`, 'invalid_credentials');
  }
  const r = ownRealm ?? realm ?? 'pve';
  if (!REALM.test(r)) throw invalid('realm: a letter, then letters, digits, ".", "-" or "_" (e.g. pve, pam)', 'invalid_credentials');
  const userid = `${user}@${r}`;
  if (userid.length > 64) throw invalid('username: user@realm is at most 64 characters', 'invalid_credentials');
  return userid;
}

type CredentialFields = Pick<ProxmoxClusterInput, 'username' | 'password' | 'realm' | 'token_id' | 'token_secret'>;

/** Exactly one kind: {username, password, realm?} or {token_id, token_secret}; undefined when none was sent (a PATCH). */
export function credentialsOf(input: CredentialFields, required: boolean): ProxmoxAuth | undefined {
  const hasPassword = input.username !== undefined || input.password !== undefined || input.realm !== undefined;
  const hasToken = input.token_id !== undefined || input.token_secret !== undefined;
  if (hasPassword && hasToken) throw invalid('credentials: give username and password, or token_id and token_secret, not both', 'invalid_credentials');
  if (hasToken) {
    if (!input.token_id || !input.token_secret) throw invalid('credentials: token_id and token_secret go together', 'invalid_credentials');
    if (!TOKEN_ID.test(input.token_id)) throw invalid('token_id: user@realm!name (e.g. homelab@pve!dashboard)', 'invalid_credentials');
    if (!TOKEN_SECRET.test(input.token_secret)) throw invalid('token_secret: no spaces nor ";"', 'invalid_credentials');
    return { kind: 'token', tokenId: input.token_id, secret: input.token_secret };
  }
  if (hasPassword) {
    if (!input.username || !input.password) throw invalid('credentials: username and password go together', 'invalid_credentials');
    return { kind: 'password', userid: userIdOf(input.username, input.realm), password: input.password };
  }
  if (required) throw invalid('credentials: give username and password (and realm), or token_id and token_secret', 'invalid_credentials');
  return undefined;
}

/** A PEM certificate, re-encoded as Node reads it; 422 when it is not one. */
export function normaliseCaPem(raw: string | null | undefined): string | null {
  if (raw === null || raw === undefined || raw.trim() === '') return null;
  try {
    return new X509Certificate(raw.trim()).toString();
  } catch {
    throw invalid('ca_pem: a PEM certificate (-----BEGIN CERTIFICATE-----…), e.g. /etc/pve/pve-root-ca.pem', 'invalid_ca');
  }
}

export function validatePort(v: number | undefined): number | undefined {
  if (v !== undefined && !(Number.isInteger(v) && v >= 1 && v <= 65535)) throw invalid('port: 1-65535 (PVE listens on 8006)');
  return v;
}

/** A pin and a CA are two ways to trust a certificate: one at a time. */
export function oneTrustAnchor(fingerprint: string | null, ca: string | null): void {
  if (fingerprint !== null && ca !== null) throw invalid('give tls_fingerprint or ca_pem, not both', 'invalid_tls');
}
