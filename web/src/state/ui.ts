/** Screen-level state: toasts, theme and the current route (hash based: #/docker/3/containers). */
import { signal } from '@preact/signals';

export type ToastKind = 'error' | 'success' | 'info';
export interface Toast { id: number; kind: ToastKind; text: string }

export class ToastStore {
  readonly items = signal<Toast[]>([]);
  private seq = 0;
  constructor(private readonly ttlMs = 6000) {}

  push(kind: ToastKind, text: string): number {
    const id = ++this.seq;
    this.items.value = [...this.items.value.slice(-4), { id, kind, text }];
    if (this.ttlMs > 0) setTimeout(() => this.dismiss(id), kind === 'error' ? this.ttlMs * 2 : this.ttlMs);
    return id;
  }
  error(err: unknown): void {
    this.push('error', err instanceof Error ? err.message : String(err));
  }
  dismiss(id: number): void {
    this.items.value = this.items.value.filter((t) => t.id !== id);
  }
}

export type Theme = 'light' | 'dark';

export class ThemeStore {
  readonly theme = signal<Theme>('light');
  constructor(private readonly storage: Pick<Storage, 'getItem' | 'setItem'>, private readonly root: HTMLElement, prefersDark: boolean) {
    const saved = storage.getItem('homelab.theme');
    this.apply(saved === 'dark' || saved === 'light' ? saved : prefersDark ? 'dark' : 'light', false);
  }
  toggle(): void {
    this.apply(this.theme.value === 'dark' ? 'light' : 'dark', true);
  }
  apply(theme: Theme, persist: boolean): void {
    this.theme.value = theme;
    this.root.classList.toggle('dark', theme === 'dark');
    if (persist) this.storage.setItem('homelab.theme', theme);
  }
}

export type Section = 'dashboard' | 'hosts' | 'docker' | 'portainer' | 'logs' | 'health' | 'alerts' | 'activity' | 'settings';
export const SECTIONS: Section[] = ['dashboard', 'hosts', 'docker', 'portainer', 'logs', 'health', 'alerts', 'activity', 'settings'];
export interface Route { section: Section; parts: string[] }

export function parseHash(hash: string): Route {
  const parts = hash.replace(/^#\/?/, '').split('/').filter(Boolean).map(decodeURIComponent);
  const section = (SECTIONS as string[]).includes(parts[0] ?? '') ? (parts[0] as Section) : 'dashboard';
  return { section, parts: parts.slice(1) };
}

export class Router {
  readonly route = signal<Route>({ section: 'dashboard', parts: [] });
  constructor(private readonly win: Pick<Window, 'location' | 'addEventListener'>) {
    this.route.value = parseHash(win.location.hash);
    win.addEventListener('hashchange', () => {
      this.route.value = parseHash(win.location.hash);
    });
  }
  go(section: Section, ...parts: (string | number)[]): void {
    const hash = '#/' + [section, ...parts.map((p) => encodeURIComponent(String(p)))].join('/');
    if (this.win.location.hash !== hash) this.win.location.hash = hash;
    this.route.value = parseHash(hash);
  }
}
