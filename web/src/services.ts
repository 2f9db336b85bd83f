/**
 * Composition root of the UI: builds the API client, the WebSocket client and the stores, and wires
 * them together. main.tsx calls it with the browser's objects; tests call it with their own.
 */
import { effect } from '@preact/signals';
import { Api } from './api/api';
import { HttpClient } from './api/http';
import { WsClient, type SocketLike } from './api/ws';
import { I18n } from './i18n';
import { AlertStore } from './state/alerts';
import { AuthStore } from './state/auth';
import { DockerStore } from './state/docker';
import { HostStore } from './state/hosts';
import { PortainerStore } from './state/portainer';
import { TaskStore } from './state/tasks';
import { Router, ThemeStore, ToastStore } from './state/ui';

export interface Services {
  api: Api;
  auth: AuthStore;
  ws: WsClient;
  toasts: ToastStore;
  theme: ThemeStore;
  router: Router;
  i18n: I18n;
  docker: DockerStore;
  hosts: HostStore;
  alerts: AlertStore;
  tasks: TaskStore;
  portainer: PortainerStore;
  /** Stop the WebSocket and the reactive wiring. */
  dispose: () => void;
}

export interface ServiceOptions {
  win: Window;
  baseUrl?: string;
  createSocket?: (url: string) => SocketLike;
  toastTtlMs?: number;
}

export function createServices(opts: ServiceOptions): Services {
  const { win } = opts;
  const auth = new AuthStore({ session: win.sessionStorage, local: win.localStorage });
  const http = new HttpClient({ baseUrl: opts.baseUrl ?? '', getToken: () => auth.token.value, onUnauthorized: auth.waitForLogin });
  const api = new Api(http);
  auth.attach(api);

  const wsUrl = () => {
    const base = opts.baseUrl || win.location.origin;
    const u = new URL('/ws', base);
    u.protocol = u.protocol === 'https:' ? 'wss:' : 'ws:';
    return u.toString();
  };
  const ws = new WsClient({ url: wsUrl, token: () => auth.token.value, createSocket: opts.createSocket });

  const prefersDark = typeof win.matchMedia === 'function' && win.matchMedia('(prefers-color-scheme: dark)').matches;
  const services: Services = {
    api,
    auth,
    ws,
    toasts: new ToastStore(opts.toastTtlMs),
    theme: new ThemeStore(win.localStorage, win.document.documentElement, prefersDark),
    router: new Router(win),
    i18n: new I18n(win.localStorage, win.navigator?.languages ?? [win.navigator?.language ?? 'en']),
    docker: new DockerStore(api),
    hosts: new HostStore(api),
    alerts: new AlertStore(api),
    tasks: new TaskStore(api),
    portainer: new PortainerStore(api),
    dispose: () => undefined,
  };
  const unbind = [
    services.docker.bind(ws),
    services.hosts.bind(ws),
    services.alerts.bind(ws),
    services.tasks.bind(ws),
    // A request made over the socket failed (e.g. live logs of a container that is gone): say so.
    ws.on('error', (m) => services.toasts.push('error', m.message)),
  ];

  // The socket runs while someone is logged in, and reconnects with each new token.
  let lastToken: string | null = null;
  const stopEffect = effect(() => {
    const token = auth.token.value;
    const loggedIn = !!auth.user.value;
    if (!loggedIn || !token) {
      if (!token) ws.stop();
      return;
    }
    if (token !== lastToken) {
      lastToken = token;
      ws.restart();
    }
  });
  services.dispose = () => {
    stopEffect();
    unbind.forEach((u) => u());
    ws.stop();
  };
  return services;
}
