import crypto from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';
import { SignJWT, jwtVerify } from 'jose';
import { AppError, invalid, unauthorized } from '../core/errors.js';
import type { Role } from '../core/types.js';
import { ROLES } from '../core/types.js';
import type { TokenRepository } from '../db/repositories/token.repository.js';
import type { UserRepository } from '../db/repositories/user.repository.js';
import type { LoginThrottle } from './login-throttle.js';

export interface Principal {
  id: number;
  username: string;
  role: Role;
  via: 'jwt' | 'api_token';
}

const TOKEN_PREFIX = 'hl_';

export const roleRank = (r: Role): number => ROLES.indexOf(r);
export const hasRole = (have: Role, need: Role): boolean => roleRank(have) >= roleRank(need);

// Same cost whether the user exists or not, so response time does not reveal valid usernames.
let dummyHash: Promise<string> | null = null;

export class AuthService {
  private readonly jwtKey: Uint8Array;

  constructor(
    private readonly users: UserRepository,
    private readonly tokens: TokenRepository,
    jwtSecret: Buffer | string,
    private readonly ttlSeconds: number,
    /** failed logins per account, whatever the address (the route limits per address) */
    private readonly throttle: LoginThrottle | null = null,
  ) {
    this.jwtKey = typeof jwtSecret === 'string' ? new TextEncoder().encode(jwtSecret) : new Uint8Array(jwtSecret);
  }

  static hashPassword(password: string): Promise<string> {
    return hash(password); // argon2id with the library's recommended parameters
  }

  async login(username: string, password: string): Promise<{ access_token: string; token_type: 'bearer'; expires_in: number }> {
    this.throttle?.check(username);
    const user = await this.users.getByUsername(username);
    if (!user) {
      dummyHash ??= hash('not-a-real-password');
      await verify(await dummyHash, password).catch(() => false);
      this.throttle?.failed(username);
      throw unauthorized('invalid username or password');
    }
    if (!(await verify(user.password_hash, password).catch(() => false))) {
      this.throttle?.failed(username);
      throw unauthorized('invalid username or password');
    }
    this.throttle?.succeeded(username);
    await this.users.touchLogin(user.id);
    // `sv`: the user's session epoch (a password or role change bumps it); `jti`: what a logout revokes.
    const token = await new SignJWT({ role: user.role, username: user.username, sv: user.session_epoch })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(String(user.id))
      .setJti(crypto.randomBytes(16).toString('base64url'))
      .setIssuedAt()
      .setExpirationTime(Math.floor(Date.now() / 1000) + this.ttlSeconds)
      .setIssuer('homelab-dashboard')
      .sign(this.jwtKey);
    return { access_token: token, token_type: 'bearer', expires_in: this.ttlSeconds };
  }

  /** Resolves a bearer credential (JWT or API token) to a principal, with the user's CURRENT role. */
  async authenticate(bearer: string): Promise<Principal> {
    if (bearer.startsWith(TOKEN_PREFIX)) return this.authenticateApiToken(bearer);
    const payload = await this.verifyJwt(bearer);
    const user = payload.sub ? await this.users.get(Number(payload.sub)) : undefined;
    if (!user) throw unauthorized('the user of this token no longer exists');
    // A JWT from before the last password or role change: that session is over (a token without `sv` is from epoch 0).
    if ((payload.sv ?? 0) !== user.session_epoch) throw unauthorized('session ended (password or role changed): log in again');
    if (payload.jti && (await this.users.isRevoked(payload.jti))) throw unauthorized('session ended (logged out): log in again');
    return { id: user.id, username: user.username, role: user.role as Role, via: 'jwt' };
  }

  /** Ends the session of this JWT (the others of the user go on). An API token is revoked by deleting it instead. */
  async logout(bearer: string): Promise<{ userId: number }> {
    if (bearer.startsWith(TOKEN_PREFIX)) throw invalid('an API token is not a session: revoke it with DELETE /api/tokens/{id}');
    const payload = await this.verifyJwt(bearer);
    const userId = Number(payload.sub);
    if (!payload.jti || !payload.exp) throw invalid('this token has no session id: it ends when it expires (or change the password)');
    await this.users.revokeSession(payload.jti, userId, new Date(payload.exp * 1000).toISOString());
    return { userId };
  }

  private async verifyJwt(bearer: string): Promise<{ sub?: string; jti?: string; exp?: number; sv?: number }> {
    try {
      const { payload } = await jwtVerify(bearer, this.jwtKey, { issuer: 'homelab-dashboard', algorithms: ['HS256'] });
      return { sub: payload.sub, jti: payload.jti, exp: payload.exp, sv: typeof payload.sv === 'number' ? payload.sv : undefined };
    } catch (err) {
      const expired = (err as { code?: string }).code === 'ERR_JWT_EXPIRED';
      throw unauthorized(expired ? 'token expired: log in again' : 'invalid token');
    }
  }

  private async authenticateApiToken(secret: string): Promise<Principal> {
    const row = await this.tokens.getByHash(hashToken(secret));
    if (!row) throw unauthorized('invalid API token');
    if (row.expires_at && row.expires_at < new Date().toISOString()) throw unauthorized('API token expired');
    const user = await this.users.get(row.user_id);
    if (!user) throw unauthorized('the owner of this API token no longer exists');
    await this.tokens.touch(row.id);
    // A token never acts above its owner's current role.
    const role = hasRole(user.role as Role, row.role as Role) ? (row.role as Role) : (user.role as Role);
    return { id: user.id, username: user.username, role, via: 'api_token' };
  }

  async createApiToken(owner: Principal, name: string, role: Role | undefined, expiresInDays: number | undefined) {
    const wanted = role ?? owner.role;
    if (!hasRole(owner.role, wanted)) throw new AppError(403, 'forbidden', `a ${owner.role} cannot create a ${wanted} token`);
    const secret = TOKEN_PREFIX + crypto.randomBytes(32).toString('base64url');
    const row = await this.tokens.create({
      user_id: owner.id,
      name,
      prefix: secret.slice(0, 10),
      token_hash: hashToken(secret),
      role: wanted,
      expires_at: expiresInDays ? new Date(Date.now() + expiresInDays * 86400_000).toISOString() : null,
    });
    return { row, secret };
  }
}

// API tokens are 256 random bits: a plain SHA-256 is enough to store them safely (no brute force possible).
export function hashToken(secret: string): string {
  return crypto.createHash('sha256').update(secret).digest('hex');
}
