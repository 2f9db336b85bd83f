/**
 * Portainer payloads -> the provider's domain shapes (types.ts), and Portainer's answers -> typed errors. Pure.
 */
import { ENDPOINT_TYPES, type PortainerEndpoint, PortainerError, type PortainerStatus } from './types.js';

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const numOrNull = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const strOrNull = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);

/** Collected Docker kinds (reference §4.1); type 4 is Docker too but reachable only through its Edge tunnel. */
const COLLECTED = new Set([1, 2]);

function notCollectedReason(type: number): string | null {
  if (COLLECTED.has(type)) return null;
  if (type === 4) return 'Edge agent environment: reached only through its Edge tunnel, not collected';
  if (type === 3) return 'Azure ACI environment: not a Docker engine';
  if (type === 5 || type === 6 || type === 7) return 'Kubernetes environment: not a Docker engine';
  return `unknown environment type ${type}`;
}

/** One Endpoint object (§4.4) with its Snapshots[0] (§4.5; absent, empty or null when never snapshotted). */
export function endpointFromApi(raw: unknown): PortainerEndpoint | null {
  if (!isObj(raw)) return null;
  const id = numOrNull(raw.Id);
  const type = numOrNull(raw.Type);
  if (id === null || type === null) return null;
  const snaps = Array.isArray(raw.Snapshots) ? raw.Snapshots : [];
  const s = isObj(snaps[0]) ? snaps[0] : null;
  const time = s ? numOrNull(s.Time) : null;
  const reason = notCollectedReason(type);
  return {
    endpoint_id: id,
    name: typeof raw.Name === 'string' ? raw.Name : `environment ${id}`,
    type,
    type_name: (ENDPOINT_TYPES as Record<number, string>)[type] ?? 'unknown',
    docker: reason === null,
    reason,
    // 1 up, 2 down; anything else is not "up".
    status: raw.Status === 1 ? 'up' : 'down',
    public_url: strOrNull(raw.PublicURL),
    snapshot: {
      at: time !== null ? new Date(time * 1000).toISOString() : null,
      docker_version: s ? strOrNull(s.DockerVersion) : null,
      cpu_count: s ? numOrNull(s.TotalCPU) : null,
      memory_bytes: s ? numOrNull(s.TotalMemory) : null,
      containers_running: s ? numOrNull(s.RunningContainerCount) : null,
      containers_stopped: s ? numOrNull(s.StoppedContainerCount) : null,
      volumes: s ? numOrNull(s.VolumeCount) : null,
      images: s ? numOrNull(s.ImageCount) : null,
      services: s ? numOrNull(s.ServiceCount) : null,
      stacks: s ? numOrNull(s.StackCount) : null,
    },
  };
}

export function endpointsFromApi(body: unknown): PortainerEndpoint[] {
  if (!Array.isArray(body)) throw new PortainerError('bad_response', 'the environment list is not an array');
  return body.map(endpointFromApi).filter((e): e is PortainerEndpoint => e !== null);
}

export function statusFromApi(body: unknown): PortainerStatus {
  if (!isObj(body) || typeof body.Version !== 'string') throw new PortainerError('bad_response', 'the status answer has no Version');
  return { version: body.Version, instance_id: typeof body.InstanceID === 'string' ? body.InstanceID : '' };
}

/** Portainer's `{message, details}`, Docker's `{message}`, or a text body (CSRF, mux 404) -> one readable line. */
export function errorText(status: number, body: string): string {
  try {
    const j = JSON.parse(body) as unknown;
    if (isObj(j) && typeof j.message === 'string') {
      const details = typeof j.details === 'string' && j.details !== '' && j.details.toLowerCase() !== j.message.toLowerCase() ? `: ${j.details}` : '';
      return `${j.message}${details}`;
    }
  } catch {
    // not JSON: the text itself
  }
  const t = body.trim().split('\n')[0] ?? '';
  return t !== '' ? t.slice(0, 300) : `HTTP ${status}`;
}

/** A Portainer (not Docker) refusal -> PortainerError. `login`: the answer of POST /api/auth. */
export function portainerError(status: number, body: string, opts: { login?: boolean } = {}): PortainerError {
  const text = errorText(status, body);
  let kind: PortainerError['kind'] = 'failed';
  // §2.1: the rate limiter's ban answers 403 "Access denied" / "Access denied to resource" on the login route.
  if (status === 403 && /access denied to resource/i.test(text) && /^Access denied/.test(text) && opts.login) kind = 'rate_limited';
  else if (status === 401 || (opts.login && status === 422)) kind = 'auth';
  else if (status === 403) kind = 'forbidden';
  else if (status === 404) kind = 'not_found';
  else if (status === 502 || status === 503 || status === 504) kind = 'unreachable';
  return new PortainerError(kind, `Portainer answered ${status}: ${text}`, { status });
}
