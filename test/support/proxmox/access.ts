import { createHmac, generateKeyPairSync, randomBytes, sign, verify, type KeyObject } from 'node:crypto';
import { PveError, type Clock } from './core.js';

/**
 * Users, API tokens, privileges, tickets and CSRF tokens (reference §1; pve-access-control AccessControl.pm).
 * Privileges are granted per ACL path and propagate to sub-paths; `root@pam` has every privilege, as in PVE.
 */

const AUDIT = ['Datastore.Audit', 'Mapping.Audit', 'Pool.Audit', 'SDN.Audit', 'Sys.Audit', 'VM.Audit'];
export const ALL_PRIVS = [
  ...AUDIT,
  'VM.PowerMgmt', 'VM.Snapshot', 'VM.Snapshot.Rollback', 'VM.Backup', 'VM.Console', 'VM.Monitor', 'VM.Allocate',
  'VM.Config.Options', 'VM.GuestAgent.Audit', 'VM.GuestAgent.Unrestricted', 'Datastore.AllocateSpace',
  'Datastore.Allocate', 'Sys.PowerMgmt', 'Sys.Modify', 'Sys.Console', 'Realm.Allocate', 'User.Modify',
  'Permissions.Modify', 'SDN.Use', 'Mapping.Use',
];

/** PVEAuditor gains VM.GuestAgent.Audit in PVE 9 (the privilege does not exist before) */
export function rolePrivs(role: Role, pveMajor: number): string[] {
  if (role === 'Administrator') return ALL_PRIVS;
  if (role === 'PVEAuditor') return pveMajor >= 9 ? [...AUDIT, 'VM.GuestAgent.Audit'] : AUDIT;
  if (role === 'PVEVMUser') return ['VM.Audit', 'VM.PowerMgmt', 'VM.Backup', 'VM.Console', 'VM.Monitor'];
  return [];
}

export type Role = 'Administrator' | 'PVEAuditor' | 'PVEVMUser' | 'NoAccess';

export interface AclEntry {
  path: string;
  /** a role name or an explicit privilege list */
  privs: Role | string[];
}

export interface SimUser {
  userid: string; // user@realm
  password: string;
  enabled?: boolean;
  /** shorthand for acl [{ path: '/', privs: role }] */
  role?: Role;
  acl?: AclEntry[];
}

export interface SimToken {
  tokenid: string; // user@realm!name
  secret: string;
  /** privilege separation (default on): the token has only its own ACL, capped by the user's */
  privsep?: boolean;
  role?: Role;
  acl?: AclEntry[];
  /** Unix seconds; 0/undefined = never */
  expire?: number;
}

const TICKET_LIFETIME = 7200;
const GRACE = 300;

export class Access {
  readonly users = new Map<string, SimUser>();
  readonly tokens = new Map<string, SimToken>();
  readonly realms = new Map<string, string>([['pam', 'pam'], ['pve', 'pve']]);
  private readonly keys = generateKeyPairSync('rsa', { modulusLength: 2048 });
  private readonly csrfSecret = randomBytes(32);

  constructor(
    private readonly clock: Clock,
    private readonly pveMajor: () => number,
  ) {}

  addUser(user: SimUser): void {
    this.users.set(user.userid, user);
  }

  addToken(token: SimToken): void {
    this.tokens.set(token.tokenid, token);
  }

  /** PVE's ticket: PVE:<userid>:<HEX time>::<base64 RSA-SHA256 signature> (only ':' in the userid escaped) */
  makeTicket(userid: string, time = this.clock.now()): string {
    const plain = `PVE:${userid.replace(/:/g, '%3A')}:${hex8(time)}`;
    return `${plain}::${sign('sha256', Buffer.from(plain), this.keys.privateKey).toString('base64')}`;
  }

  /** the userid of a valid, unexpired ticket, or null */
  verifyTicket(ticket: string): string | null {
    const m = /^(PVE:(.+):([0-9A-F]{8}))::(.+)$/.exec(ticket);
    if (!m) return null;
    if (!verify('sha256', Buffer.from(m[1]), this.keys.publicKey as KeyObject, Buffer.from(m[4], 'base64'))) {
      return null;
    }
    const age = this.clock.now() - parseInt(m[3], 16);
    if (age < -GRACE || age > TICKET_LIFETIME) return null;
    const userid = m[2].replace(/%3A/g, ':');
    const user = this.users.get(userid);
    return user && user.enabled !== false ? userid : null;
  }

  /** <HEX time>:<base64 HMAC-SHA256 of "time:userid", no padding (43 chars)> */
  makeCsrf(userid: string, time = this.clock.now()): string {
    const t = hex8(time);
    return `${t}:${createHmac('sha256', this.csrfSecret).update(`${t}:${userid}`).digest('base64').replace(/=+$/, '')}`;
  }

  verifyCsrf(userid: string, token: string | undefined): boolean {
    const m = token ? /^([0-9A-F]{8}):(.{43})$/.exec(token) : null;
    if (!m) return false;
    const age = this.clock.now() - parseInt(m[1], 16);
    return age >= -GRACE && age <= TICKET_LIFETIME && this.makeCsrf(userid, parseInt(m[1], 16)) === token;
  }

  /**
   * Verifies `user@realm!name=secret` (split at the last '='). Returns the token id, or throws the pre-9.1.5 text
   * (the caller replaces it with 'Authentication failed!' on newer versions).
   */
  verifyToken(value: string): string {
    const eq = value.lastIndexOf('=');
    const tokenid = eq > 0 ? value.slice(0, eq) : value;
    const secret = eq > 0 ? value.slice(eq + 1) : '';
    const m = /^(.+@[A-Za-z][A-Za-z0-9.\-_]+)!([A-Za-z][A-Za-z0-9.\-_]+)$/.exec(tokenid);
    if (!m) throw new PveError(401, `value '${tokenid}' does not look like a valid token ID`);
    const token = this.tokens.get(tokenid);
    if (!token) throw new PveError(401, `no such token '${m[2]}' for user '${m[1]}'`);
    if (token.expire && token.expire < this.clock.now()) throw new PveError(401, `token '${m[2]}' access expired`);
    if (token.secret !== secret) throw new PveError(401, 'invalid token value!');
    return tokenid;
  }

  /** Does userid (or the token) hold `priv` on `path`? ACLs propagate from a path to everything below it. */
  has(userid: string, tokenid: string | undefined, path: string, priv: string): boolean {
    if (userid === 'root@pam' && !tokenid) return true;
    const user = this.users.get(userid);
    if (!user) return false;
    const userHas = userid === 'root@pam' || this.aclHas(user.acl, user.role, path, priv);
    if (!tokenid) return userHas;
    const token = this.tokens.get(tokenid);
    if (!token) return false;
    if (token.privsep === false) return userHas;
    return userHas && this.aclHas(token.acl, token.role, path, priv);
  }

  /** the `cap` object of a ticket answer: which privileges the user has anywhere, by area */
  capabilities(userid: string): Record<string, Record<string, 1>> {
    const cap: Record<string, Record<string, 1>> = { vms: {}, storage: {}, access: {}, nodes: {}, dc: {}, sdn: {}, mapping: {} };
    for (const priv of ALL_PRIVS) {
      const paths = ['/', '/vms', '/storage', '/nodes', '/access', '/sdn', '/mapping'];
      if (!paths.some((p) => this.has(userid, undefined, p, priv))) continue;
      const area = priv.startsWith('VM.') ? 'vms'
        : priv.startsWith('Datastore.') ? 'storage'
        : priv.startsWith('Sys.') ? 'nodes'
        : priv.startsWith('SDN.') ? 'sdn'
        : priv.startsWith('Mapping.') ? 'mapping'
        : 'access';
      cap[area][priv] = 1;
      if (priv === 'Sys.Audit') cap.dc[priv] = 1;
    }
    return cap;
  }

  private aclHas(acl: AclEntry[] | undefined, role: Role | undefined, path: string, priv: string): boolean {
    const entries = acl ?? (role ? [{ path: '/', privs: role }] : []);
    return entries.some((e) => {
      const covers = e.path === '/' || path === e.path || path.startsWith(`${e.path}/`);
      const privs = typeof e.privs === 'string' ? rolePrivs(e.privs, this.pveMajor()) : e.privs;
      return covers && privs.includes(priv);
    });
  }
}

export const hex8 = (n: number): string => Math.floor(n).toString(16).toUpperCase().padStart(8, '0');
