/**
 * Who is logged in. The token lives in sessionStorage (gone when the browser closes) unless the user
 * asked to be remembered (localStorage). When the server answers 401 the session is marked expired:
 * the login form is shown over the current screen, and the calls that failed wait for the new login
 * (HttpClient retries them), so nothing on screen is lost.
 */
import { computed, signal } from '@preact/signals';
import type { Role } from '../../../src/core/types';
import type { Api, Me } from '../api/api';

const KEY = 'homelab.token';
const RANK: Record<Role, number> = { viewer: 0, operator: 1, admin: 2 };

export function roleAtLeast(role: Role | undefined | null, min: Role): boolean {
  return !!role && RANK[role] >= RANK[min];
}

export interface TokenStorage {
  session: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;
  local: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;
}

export class AuthStore {
  readonly token = signal<string | null>(null);
  readonly user = signal<Me | null>(null);
  /** True while a login is needed (never logged in, logged out, or the token expired). */
  readonly needLogin = signal<boolean>(true);
  /** True when the login was asked for by a 401 (the screen behind stays as it was). */
  readonly expired = signal<boolean>(false);
  readonly role = computed<Role | null>(() => this.user.value?.role ?? null);
  private waiters: { resolve: () => void; reject: (e: Error) => void }[] = [];
  private api: Api | null = null;

  constructor(private readonly storage: TokenStorage) {
    this.token.value = storage.session.getItem(KEY) ?? storage.local.getItem(KEY);
    // With a stored token, `restore()` decides; without one, the login shows at once.
    this.needLogin.value = !this.token.value;
  }

  attach(api: Api): void {
    this.api = api;
  }

  can(min: Role): boolean {
    return roleAtLeast(this.role.value, min);
  }

  /** At start: a stored token is checked with /auth/me; no token or a rejected one shows the login. */
  async restore(): Promise<void> {
    if (!this.token.value || !this.api) {
      this.needLogin.value = true;
      return;
    }
    try {
      this.user.value = await this.api.me();
      this.needLogin.value = false;
    } catch (err) {
      // Only a refused token is forgotten; a server that is down for a moment does not log anyone out.
      if ((err as { status?: number }).status === 401) this.clearToken();
      this.needLogin.value = true;
    }
  }

  async login(username: string, password: string, remember: boolean): Promise<void> {
    if (!this.api) throw new Error('AuthStore not attached to an Api');
    const res = await this.api.login(username, password);
    const previous = this.user.value?.username;
    this.setToken(res.access_token, remember);
    const me = await this.api.me();
    this.user.value = me;
    this.needLogin.value = false;
    const sameUser = !previous || previous === me.username;
    this.expired.value = false;
    // Calls that failed with 401 resume only for the same person; another user starts afresh.
    const waiting = this.waiters;
    this.waiters = [];
    for (const w of waiting) sameUser ? w.resolve() : w.reject(new Error('Logged in as another user'));
  }

  logout(): void {
    // The server ends the session too (a copied token stops working); the token is read before it is cleared below,
    // and a server that cannot be reached does not keep anyone signed in here.
    if (this.api && this.token.value) void this.api.logout().catch(() => undefined);
    this.clearToken();
    this.user.value = null;
    this.expired.value = false;
    this.needLogin.value = true;
    const waiting = this.waiters;
    this.waiters = [];
    for (const w of waiting) w.reject(new Error('Logged out'));
  }

  /** HttpClient's onUnauthorized: show the login over the screen and wait for it. */
  waitForLogin = (): Promise<void> => {
    if (this.user.value) this.expired.value = true;
    this.needLogin.value = true;
    return new Promise<void>((resolve, reject) => this.waiters.push({ resolve, reject }));
  };

  private setToken(token: string, remember: boolean): void {
    this.clearToken();
    (remember ? this.storage.local : this.storage.session).setItem(KEY, token);
    this.token.value = token;
  }

  private clearToken(): void {
    this.storage.session.removeItem(KEY);
    this.storage.local.removeItem(KEY);
    this.token.value = null;
  }
}
