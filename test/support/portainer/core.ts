// The state of one simulated Portainer instance: its version's features, clock, users and keys, environments and
// stacks, plus what tests observe (logins, every request with the credentials it carried).
import { randomUUID } from 'node:crypto';
import { LoginRateLimiter, SimAuth, type SimRole, type SimUser } from './auth.js';
import { computeSnapshot, isDockerType, makeEndpoint, type SimEndpoint, type SimEndpointSpec } from './endpoints.js';
import { versionFeatures, type VersionFeatures } from './http.js';
import type { SimStack } from './proxy.js';

export interface SimUserSpec {
  username: string;
  password: string;
  role: SimRole;
}

export interface PortainerSimOptions {
  /** CE version to behave as, "2.16"... "2.34.x" (default "2.21.4"); §8 lists what changes. */
  version?: string;
  /** Default: one administrator `admin` / `s3cret-password` (id 1, the initial admin). */
  users?: SimUserSpec[];
  /** API keys to create at start: `{username, description}`; their raw values are in `sim.apiKeys`. */
  apiKeys?: Array<{ username: string; description?: string }>;
  endpoints?: SimEndpointSpec[];
  stacks?: SimStack[];
  /** Serve HTTPS with a fresh self-signed certificate (default plain HTTP). */
  https?: boolean;
  /** `LatestVersion` of /api/system/version; '' (the default) = Portainer could not reach GitHub. */
  latestVersion?: string;
  /** Settings.UserSessionTimeout in seconds (default 8 h). */
  sessionTimeoutS?: number;
  /** Login rate limiter: the window (default 1000 ms) and ban (default 1 h); the threshold stays "more than 10". */
  rateLimit?: { windowMs?: number; banMs?: number };
}

export interface RequestRecord {
  method: string;
  /** Path without the query. */
  path: string;
  query: string;
  status: number;
  remote: string;
  /** The raw credential headers as received (undefined when absent). */
  authorization?: string;
  apiKey?: string;
  cookie?: string;
  csrfToken?: string;
  /** Which lookup authenticated the request, when one did. */
  via?: 'api-key' | 'cookie' | 'bearer';
}

export class SimCore {
  readonly f: VersionFeatures;
  readonly auth: SimAuth;
  readonly limiter: LoginRateLimiter;
  readonly instanceId = randomUUID();
  readonly endpoints = new Map<number, SimEndpoint>();
  readonly stacks: SimStack[];
  readonly apiKeys = new Map<string, string>();
  latestVersion: string;
  clockOffsetMs = 0;
  /** Successful POST /api/auth, and every POST /api/auth (banned ones too). */
  logins = 0;
  loginAttempts = 0;
  readonly requests: RequestRecord[] = [];
  /** Calls forwarded to a real dockerd (method and Docker path). */
  readonly upstream: Array<{ endpointId: number; method: string; target: string }> = [];

  constructor(opts: PortainerSimOptions) {
    this.f = versionFeatures(opts.version ?? '2.21.4');
    this.auth = new SimAuth(() => this.now(), opts.sessionTimeoutS ?? 8 * 3600);
    this.limiter = new LoginRateLimiter(opts.rateLimit?.windowMs ?? 1000, opts.rateLimit?.banMs ?? 3600_000);
    for (const u of opts.users ?? [{ username: 'admin', password: 's3cret-password', role: 'admin' as const }]) this.auth.addUser(u.username, u.password, u.role);
    for (const k of opts.apiKeys ?? []) this.createApiKey(k.username, k.description);
    for (const spec of opts.endpoints ?? []) this.addEndpoint(spec);
    this.stacks = opts.stacks ?? [];
    this.latestVersion = opts.latestVersion ?? '';
  }

  now(): number {
    return Date.now() + this.clockOffsetMs;
  }

  nowS(): number {
    return Math.floor(this.now() / 1000);
  }

  user(username: string): SimUser {
    const u = this.auth.byName(username);
    if (!u) throw new Error(`portainer sim: no user ${username}`);
    return u;
  }

  createApiKey(username: string, description = 'homelab-dashboard'): string {
    const { rawAPIKey } = this.auth.createApiKey(this.user(username), description);
    this.apiKeys.set(username, rawAPIKey);
    return rawAPIKey;
  }

  addEndpoint(spec: SimEndpointSpec): SimEndpoint {
    const id = spec.id ?? Math.max(0, ...this.endpoints.keys()) + 1;
    if (this.endpoints.has(id)) throw new Error(`portainer sim: endpoint id ${id} is taken`);
    const ep = makeEndpoint(spec, id);
    this.endpoints.set(id, ep);
    return ep;
  }

  endpoint(id: number): SimEndpoint {
    const ep = this.endpoints.get(id);
    if (!ep) throw new Error(`portainer sim: no endpoint ${id}`);
    return ep;
  }

  /** Environments a user may see: all for administrators, granted ones for standard users. */
  visible(user: SimUser): SimEndpoint[] {
    const all = [...this.endpoints.values()].sort((a, b) => a.id - b.id);
    return user.role === 1 ? all : all.filter((e) => e.access.includes(user.username));
  }

  /**
   * One snapshot as the loop or POST /api/endpoints/{id}/snapshot takes it: success sets Status 1 and replaces the
   * snapshot, failure sets Status 2 and keeps the old one (§4.1). Edge and non-Docker environments are not touched.
   */
  async snapshot(ep: SimEndpoint): Promise<boolean> {
    if (!isDockerType(ep.type) || ep.type === 4 || ep.neverSnapshot) return false;
    if (!ep.socketPath || !ep.reachable) {
      ep.status = 2;
      return false;
    }
    try {
      ep.snapshot = await computeSnapshot(ep, this.f, this.nowS());
      ep.status = 1;
      return true;
    } catch {
      ep.status = 2;
      return false;
    }
  }

  /** Edge environments check in while up; the simulator stamps the check-in when it is asked. */
  touchEdge(): void {
    for (const ep of this.endpoints.values()) if ((ep.type === 4 || ep.type === 7) && ep.reachable) ep.lastCheckIn = this.nowS();
  }
}
