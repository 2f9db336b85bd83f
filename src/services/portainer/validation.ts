import { invalid } from '../../core/errors.js';
import type { PortainerServerInput, PortainerServerPatch } from '../../core/types.js';
import type { PortainerAuth } from '../../providers/portainer/types.js';

export type { PortainerServerInput, PortainerServerPatch };

const LABEL = '[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?';
// scheme://host[:port] and nothing else: no user info (`http://evil@host`), no path, query or fragment, so what the
// dashboard dials is exactly what an admin reads.
const URL_FORM = new RegExp(`^(https?)://(${LABEL}(?:\\.${LABEL})*|\\d{1,3}(?:\\.\\d{1,3}){3}|\\[[0-9a-fA-F:.]{2,45}\\])(?::(\\d{1,5}))?/?$`);
const GROUP = /^[a-zA-Z0-9][a-zA-Z0-9._-]{0,62}$/;

/** `http(s)://HOST[:PORT]` normalised (lower-case host, no trailing slash); 422 for anything else. */
export function normaliseUrl(raw: string): string {
  const m = URL_FORM.exec(raw.trim());
  const port = m?.[3] === undefined ? undefined : Number(m[3]);
  if (!m || (port !== undefined && (port < 1 || port > 65535))) {
    throw invalid('url: http://HOST:PORT or https://HOST:PORT (e.g. https://portainer.lan:9443), without a path, user info, query or fragment', 'invalid_url');
  }
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(m[2]!) && m[2]!.split('.').some((o) => Number(o) > 255)) throw invalid('url: not an IPv4 address', 'invalid_url');
  return `${m[1]}://${m[2]!.toLowerCase()}${port !== undefined ? `:${port}` : ''}`;
}

/** SHA-256 fingerprint as the client compares it: `AA:BB:…`, upper-case, 32 pairs; 422 otherwise. */
export function normaliseFingerprint(raw: string | null | undefined): string | null {
  if (raw === null || raw === undefined || raw.trim() === '') return null;
  const hex = raw.trim().replace(/^sha256:/i, '').replace(/:/g, '');
  if (!/^[0-9a-fA-F]{64}$/.test(hex)) throw invalid('tls_fingerprint: a SHA-256 fingerprint (64 hex digits, colons allowed)', 'invalid_fingerprint');
  return hex.toUpperCase().match(/../g)!.join(':');
}

export function validateGroup(raw: string | null | undefined): string | null {
  if (raw === null || raw === undefined || raw === '') return null;
  if (!GROUP.test(raw)) throw invalid('default_group: 1-63 letters, digits, dot, dash or underscore');
  return raw;
}

export function validateName(raw: string): string {
  const name = raw.trim();
  if (!name || name.length > 100 || /[\u0000-\u001f]/.test(name)) throw invalid('name: 1-100 printable characters');
  return name;
}

/** Exactly one kind of credentials: {username, password} or {api_key}; undefined when none was sent (a PATCH). */
export function credentialsOf(input: { username?: string; password?: string; api_key?: string }, required: boolean): PortainerAuth | undefined {
  const hasPassword = input.username !== undefined || input.password !== undefined;
  const hasKey = input.api_key !== undefined;
  if (hasPassword && hasKey) throw invalid('credentials: give username and password, or api_key, not both', 'invalid_credentials');
  if (hasKey) return { kind: 'api_key', apiKey: input.api_key! };
  if (hasPassword) {
    if (!input.username || !input.password) throw invalid('credentials: username and password go together', 'invalid_credentials');
    return { kind: 'password', username: input.username, password: input.password };
  }
  if (required) throw invalid('credentials: give username and password, or api_key', 'invalid_credentials');
  return undefined;
}

export function validateInterval(v: number | undefined): number | undefined {
  if (v !== undefined && !(Number.isInteger(v) && v >= 10)) throw invalid('sync_interval_s: at least 10 seconds');
  return v;
}
