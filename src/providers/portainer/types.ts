/**
 * The Portainer provider's domain shapes and the client's contract, shared by the client (client.ts), the engine of
 * a Portainer environment (engine.ts: a DockerEngine over Portainer's Docker proxy) and the sync service
 * (services/portainer). Vendor payloads become these in pure mapping functions (mapping.ts).
 */
import type { DockerEngine } from '../docker/engine.js';

export type PortainerAuth = { kind: 'password'; username: string; password: string } | { kind: 'api_key'; apiKey: string };

export interface PortainerClientOptions {
  /** `http://HOST:9000` or `https://HOST:9443` (validated by the service before a client is made). */
  url: string;
  auth: PortainerAuth;
  /**
   * SHA-256 fingerprint of the server's certificate, `AA:BB:…` (upper-case hex, colons). null: not pinned yet —
   * the first successful `test()` pins what it saw (trust on first use); afterwards a different certificate is refused.
   */
  tlsFingerprint: string | null;
  /** Deadline of one request, ms (default 10 000; the Docker proxy's long calls take their own). */
  timeoutMs?: number;
}

/** Environment types (reference §4.1). Docker kinds: 1 (local socket / API), 2 (agent), 4 (Edge agent on Docker). */
export const ENDPOINT_TYPES = {
  1: 'docker',
  2: 'agent',
  3: 'azure',
  4: 'edge_agent',
  5: 'kubernetes',
  6: 'kubernetes_agent',
  7: 'kubernetes_edge_agent',
} as const satisfies Record<number, string>;

/** One environment as the dashboard needs it (reference §4.4, §4.5), mapped from Portainer's Endpoint object. */
export interface PortainerEndpoint {
  endpoint_id: number;
  name: string;
  /** Portainer's numeric Type. */
  type: number;
  /** ENDPOINT_TYPES[type] or 'unknown'. */
  type_name: string;
  /** Collected as a Docker host: types 1 and 2 (Edge needs its tunnel: not collected, with a reason). */
  docker: boolean;
  /** null when it is collected; else why not (Edge, Kubernetes, Azure, unknown type). */
  reason: string | null;
  /** Status 1 = up, 2 = down (it lags by up to the snapshot interval: reference §4.1). */
  status: 'up' | 'down';
  public_url: string | null;
  /** From the last snapshot (null figures when never snapshotted). */
  snapshot: {
    at: string | null;
    docker_version: string | null;
    cpu_count: number | null;
    memory_bytes: number | null;
    containers_running: number | null;
    containers_stopped: number | null;
    volumes: number | null;
    images: number | null;
    services: number | null;
    stacks: number | null;
  };
}

export interface PortainerStatus {
  version: string;
  instance_id: string;
}

/** What went wrong talking to a Portainer server, for status_reason and alerts. */
export type PortainerErrorKind = 'unreachable' | 'timeout' | 'auth' | 'forbidden' | 'not_found' | 'tls_mismatch' | 'rate_limited' | 'bad_response' | 'failed';

export class PortainerError extends Error {
  constructor(
    readonly kind: PortainerErrorKind,
    message: string,
    options: { cause?: unknown; status?: number } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = 'PortainerError';
    this.status = options.status;
  }
  /** The HTTP status Portainer answered, when it answered. */
  readonly status: number | undefined;
}

/**
 * One Portainer server. Contract: every call has a deadline; an API key goes as `X-API-Key`, else one `POST
 * /api/auth` gives a JWT sent as `Authorization: Bearer` — never both headers, never Portainer's cookie back; a 401
 * logs in again once (Portainer drops every JWT when it restarts), one login at a time, never in a loop.
 */
export interface PortainerApi {
  /** Version and instance id (`GET /api/status`), after pinning the certificate if none is pinned; the fingerprint seen. */
  test(): Promise<PortainerStatus & { fingerprint: string | null }>;
  status(): Promise<PortainerStatus>;
  /** Every environment the user sees, of any kind. */
  endpoints(): Promise<PortainerEndpoint[]>;
  /** The Docker engine of one environment: the Docker Engine API through `/api/endpoints/{id}/docker/`. */
  engine(endpointId: number, hostName: string): DockerEngine;
  close(): void;
}
