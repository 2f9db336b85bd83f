// Authentication of the Portainer simulator (reference §2): users, HS256 JWTs whose secret changes at every restart,
// API keys, the per-IP login rate limiter, the bouncer's lookup order (API key, cookie, Bearer) and the 2.20+ CSRF
// layer that sits in front of every route.
import { createHash, createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export type SimRole = 'admin' | 'standard';

export interface SimUser {
  id: number;
  username: string;
  password: string;
  /** 1 administrator, 2 standard user (Portainer's UserRole). */
  role: 1 | 2;
  /** Unix s; JWTs issued before it are refused (a password change logs every session out). */
  tokenIssueAt: number;
}

export interface ApiKeyRecord {
  id: number;
  userId: number;
  description: string;
  prefix: string;
  dateCreated: number;
  lastUsed: number;
}

export type AuthVia = 'api-key' | 'cookie' | 'bearer';
export type AuthResult =
  | { ok: true; user: SimUser; via: AuthVia }
  | { ok: false; status: 401; message: 'Invalid JWT token' | 'A valid authorization token is missing' | 'An authorization token is invalid' };

export const AUTH_COOKIE = 'portainer_api_key';
export const CSRF_COOKIE = '_gorilla_csrf';
const TOKEN_LEN = 32;

/** "more than 10 requests within 1 s bans the IP for 1 hour" (§2.1); the window and ban length can be shortened. */
export class LoginRateLimiter {
  readonly max = 10;
  private hits = new Map<string, number[]>();
  private banned = new Map<string, number>();
  constructor(public windowMs: number, public banMs: number) {}

  /** Counts one request; true when the address is (now) banned. */
  inc(ip: string, nowMs: number): boolean {
    const until = this.banned.get(ip);
    if (until !== undefined && until > nowMs) return true;
    if (until !== undefined) this.banned.delete(ip);
    const recent = (this.hits.get(ip) ?? []).filter((t) => t > nowMs - this.windowMs);
    recent.push(nowMs);
    this.hits.set(ip, recent);
    if (recent.length > this.max) {
      this.banned.set(ip, nowMs + this.banMs);
      this.hits.delete(ip);
      return true;
    }
    return false;
  }

  bans(nowMs: number): Array<{ ip: string; untilMs: number }> {
    return [...this.banned].filter(([, u]) => u > nowMs).map(([ip, untilMs]) => ({ ip, untilMs }));
  }

  reset(): void {
    this.hits.clear();
    this.banned.clear();
  }
}

const b64url = (b: Buffer | string) => Buffer.from(b).toString('base64url');

export class SimAuth {
  readonly users = new Map<number, SimUser>();
  private secret = randomBytes(32);
  private revoked = new Set<string>();
  private keys = new Map<string, ApiKeyRecord>();
  private nextKeyId = 1;
  /** gorilla/csrf's cookie value -> the real token behind it; a restart forgets them (new CSRF key). */
  private csrfTokens = new Map<string, Buffer>();

  constructor(private readonly now: () => number, public sessionTimeoutS: number) {}

  /** What a Portainer restart does: a new JWT secret (every JWT dies), no revocations, no CSRF sessions. */
  restart(): void {
    this.secret = randomBytes(32);
    this.revoked.clear();
    this.csrfTokens.clear();
  }

  addUser(username: string, password: string, role: SimRole): SimUser {
    const id = Math.max(0, ...this.users.keys()) + 1;
    const user: SimUser = { id, username, password, role: role === 'admin' ? 1 : 2, tokenIssueAt: 0 };
    this.users.set(id, user);
    return user;
  }

  byName(username: string): SimUser | undefined {
    return [...this.users.values()].find((u) => u.username === username);
  }

  /** The user whose password matches; unknown users are compared against a dummy like Portainer (no shortcut). */
  check(username: string, password: string): SimUser | null {
    const user = this.byName(username);
    const expected = user?.password ?? 'portainer-fake-username-password';
    const a = createHash('sha256').update(password).digest();
    const b = createHash('sha256').update(expected).digest();
    return timingSafeEqual(a, b) && user ? user : null;
  }

  issueJwt(user: SimUser): { jwt: string; exp: number } {
    const iat = Math.floor(this.now() / 1000);
    const exp = iat + this.sessionTimeoutS;
    const claims = { id: user.id, username: user.username, role: user.role, scope: 'default', forceChangePassword: false, exp, jti: randomUUID(), iat };
    const head = `${b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }))}.${b64url(JSON.stringify(claims))}`;
    return { jwt: `${head}.${b64url(createHmac('sha256', this.secret).update(head).digest())}`, exp };
  }

  /** The claims of a JWT this instance signed and still honours, else null (bad signature, expired, revoked, stale). */
  verifyJwt(token: string): { user: SimUser; jti: string; exp: number } | null {
    const [h, p, s] = token.split('.');
    if (!h || !p || !s) return null;
    const want = createHmac('sha256', this.secret).update(`${h}.${p}`).digest();
    const got = Buffer.from(s, 'base64url');
    if (got.length !== want.length || !timingSafeEqual(got, want)) return null;
    let c: any;
    try {
      c = JSON.parse(Buffer.from(p, 'base64url').toString());
    } catch {
      return null;
    }
    if (typeof c.exp !== 'number' || Math.floor(this.now() / 1000) > c.exp) return null;
    if (this.revoked.has(c.jti)) return null;
    // api/jwt: the user is read while verifying, so a deleted user's token is simply an invalid one (2.13+).
    const user = this.users.get(c.id);
    if (!user || user.tokenIssueAt > c.iat) return null;
    return { user, jti: c.jti, exp: c.exp };
  }

  revoke(jti: string): void {
    this.revoked.add(jti);
  }

  createApiKey(user: SimUser, description: string): { rawAPIKey: string; apiKey: ApiKeyRecord } {
    const raw = `ptr_${randomBytes(32).toString('base64')}`;
    const rec: ApiKeyRecord = { id: this.nextKeyId++, userId: user.id, description, prefix: raw.slice(0, 7), dateCreated: Math.floor(this.now() / 1000), lastUsed: 0 };
    this.keys.set(createHash('sha256').update(raw).digest('hex'), rec);
    return { rawAPIKey: raw, apiKey: { ...rec } };
  }

  apiKeysOf(userId: number): ApiKeyRecord[] {
    return [...this.keys.values()].filter((k) => k.userId === userId).map((k) => ({ ...k }));
  }

  private keyUser(raw: string): SimUser | null {
    const rec = this.keys.get(createHash('sha256').update(raw).digest('hex'));
    const user = rec && this.users.get(rec.userId);
    if (!rec || !user) return null;
    const now = Math.floor(this.now() / 1000);
    if (now - rec.lastUsed > 60) rec.lastUsed = now;
    return user;
  }

  /** The bouncer (§2.5): the first lookup that finds a credential decides; a bad one is 401 at once. */
  authenticate(req: IncomingMessage, url: URL, cookieAuth: boolean): AuthResult {
    const invalid = { ok: false, status: 401, message: 'Invalid JWT token' } as const;
    const key = apiKeyOf(req, url);
    if (key !== undefined) {
      const user = this.keyUser(key);
      return user ? { ok: true, user, via: 'api-key' } : invalid;
    }
    const lookups: Array<[AuthVia, string | undefined]> = [
      ['cookie', cookieAuth ? cookies(req).get(AUTH_COOKIE) : undefined],
      ['bearer', bearerOf(req, url)],
    ];
    for (const [via, token] of lookups) {
      if (token === undefined) continue;
      const v = this.verifyJwt(token);
      return v ? { ok: true, user: v.user, via } : invalid;
    }
    return { ok: false, status: 401, message: 'A valid authorization token is missing' };
  }

  /**
   * gorilla/csrf v1.7.1 as Portainer wraps it (2.20+), for a request that carries the auth cookie: answers the
   * failure text for a write without a valid X-CSRF-Token, and the masked token (and a new CSRF cookie when the
   * request had none) to put on the answer.
   */
  csrf(req: IncomingMessage): { failure?: string; token: string; setCookie?: string } {
    const jar = cookies(req);
    let cookie = jar.get(CSRF_COOKIE);
    let real = cookie ? this.csrfTokens.get(cookie) : undefined;
    let setCookie: string | undefined;
    if (!real) {
      real = randomBytes(TOKEN_LEN);
      cookie = randomBytes(24).toString('base64url');
      this.csrfTokens.set(cookie, real);
      setCookie = `${CSRF_COOKIE}=${cookie}; Path=/; Max-Age=43200; HttpOnly; SameSite=Lax`;
    }
    const token = mask(real);
    if (['GET', 'HEAD', 'OPTIONS', 'TRACE'].includes(req.method ?? 'GET')) return { token, setCookie };
    const sent = req.headers['x-csrf-token'];
    if (typeof sent !== 'string' || sent === '') return { failure: 'Forbidden - CSRF token not found in request', token, setCookie };
    const got = unmask(sent);
    if (!got || !timingSafeEqual(got, real)) return { failure: 'Forbidden - CSRF token invalid', token, setCookie };
    return { token, setCookie };
  }
}

function mask(real: Buffer): string {
  const pad = randomBytes(TOKEN_LEN);
  const xored = Buffer.alloc(TOKEN_LEN);
  for (let i = 0; i < TOKEN_LEN; i++) xored[i] = pad[i]! ^ real[i]!;
  return Buffer.concat([pad, xored]).toString('base64');
}

function unmask(issued: string): Buffer | null {
  const b = Buffer.from(issued, 'base64');
  if (b.length !== TOKEN_LEN * 2) return null;
  const out = Buffer.alloc(TOKEN_LEN);
  for (let i = 0; i < TOKEN_LEN; i++) out[i] = b[i]! ^ b[i + TOKEN_LEN]!;
  return out;
}

export function cookies(req: IncomingMessage): Map<string, string> {
  const jar = new Map<string, string>();
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const i = part.indexOf('=');
    if (i > 0) jar.set(part.slice(0, i).trim(), part.slice(i + 1).trim());
  }
  return jar;
}

/** `X-API-Key` header (any case: Node lower-cases), else an `x-api-key` query parameter of any case. */
export function apiKeyOf(req: IncomingMessage, url: URL): string | undefined {
  const h = req.headers['x-api-key'];
  if (typeof h === 'string' && h !== '') return h;
  for (const [k, v] of url.searchParams) if (k.toLowerCase() === 'x-api-key') return v;
  return undefined;
}

/** `?token=` (websockets) first, then the Authorization header with an optional `Bearer ` prefix. */
export function bearerOf(req: IncomingMessage, url: URL): string | undefined {
  const q = url.searchParams.get('token');
  if (q) return q;
  const h = req.headers.authorization;
  return h === undefined ? undefined : h.replace(/^Bearer /, '');
}
