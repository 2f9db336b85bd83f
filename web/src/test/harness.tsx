/**
 * Mounts the real UI (services + components) against the contract server, with the fake socket as the
 * only stand-in. Helpers wait for what a user would see.
 */
import { render, type ComponentChildren } from 'preact';
import { act } from 'preact/test-utils';
import { App } from '../App';
import { AppContext } from '../context';
import { createServices, type Services } from '../services';
import { ContractServer } from './contract-server';
import { FakeSocket } from './fake-socket';

export interface Mounted {
  services: Services;
  root: HTMLElement;
  server: ContractServer;
  unmount: () => void;
}

export async function startServer(setup?: (s: ContractServer) => void): Promise<ContractServer> {
  const server = new ContractServer();
  setup?.(server);
  await server.start();
  return server;
}

/** Fresh browser state for each test: storage, hash and document. */
export function resetBrowser(): void {
  window.localStorage.clear();
  window.sessionStorage.clear();
  window.location.hash = '';
  document.body.innerHTML = '';
  FakeSocket.all = [];
}

export function mount(server: ContractServer, ui: ComponentChildren = <App />, opts: { loginAs?: string; lang?: string } = {}): Mounted {
  if (opts.loginAs) window.sessionStorage.setItem('homelab.token', server.tokenFor(opts.loginAs));
  window.localStorage.setItem('homelab.lang', opts.lang ?? 'en');
  const services = createServices({ win: window, baseUrl: server.url, createSocket: (u) => new FakeSocket(u), toastTtlMs: 0 });
  const root = document.createElement('div');
  document.body.appendChild(root);
  act(() => render(<AppContext.Provider value={services}>{ui}</AppContext.Provider>, root));
  return {
    services,
    root,
    server,
    unmount: () => {
      act(() => render(null, root));
      services.dispose();
      root.remove();
    },
  };
}

/** Logs in through the services (as main.tsx does at start with a stored token). */
export async function restore(m: Mounted): Promise<void> {
  await act(async () => {
    await m.services.auth.restore();
  });
}

export async function waitFor<T>(fn: () => T | null | undefined | false, timeoutMs = 8000): Promise<T> {
  const start = Date.now();
  let last: unknown;
  for (;;) {
    try {
      const v = fn();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() - start > timeoutMs) throw new Error(`waitFor timed out${last ? `: ${(last as Error).message}` : ''}`);
    await act(async () => {
      await new Promise((r) => setTimeout(r, 10));
    });
  }
}

export function $(root: ParentNode, sel: string): HTMLElement | null {
  return root.querySelector<HTMLElement>(sel);
}
export function $$(root: ParentNode, sel: string): HTMLElement[] {
  return [...root.querySelectorAll<HTMLElement>(sel)];
}

export async function click(el: HTMLElement): Promise<void> {
  await act(async () => {
    el.click();
  });
}

export async function type(el: HTMLInputElement | HTMLTextAreaElement, value: string): Promise<void> {
  await act(async () => {
    el.value = value;
    el.dispatchEvent(new Event('input', { bubbles: true }));
  });
}

export async function choose(el: HTMLSelectElement, value: string): Promise<void> {
  await act(async () => {
    el.value = value;
    el.dispatchEvent(new Event('change', { bubbles: true }));
  });
}

export async function pushWs(msg: Parameters<FakeSocket['push']>[0]): Promise<void> {
  await act(async () => {
    FakeSocket.latest().push(msg);
  });
}

/**
 * Unmount, let requests already on the wire finish, then stop the server. Fails the test if the server answered
 * anything that the real route's schema rejects: the fixtures or the contract server drifted from the API.
 */
export async function teardown(m: Mounted | undefined, server: ContractServer | undefined): Promise<void> {
  m?.unmount();
  await new Promise((r) => setTimeout(r, 50));
  await server?.stop();
  if (server?.violations.length) throw new Error(`the contract server answered outside the API contract:\n${server.violations.join('\n')}`);
}
