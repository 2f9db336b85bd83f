// Shared helpers of the docker-*.test.ts integration files: a real server whose SSH key is the lab's, lab hosts
// registered and Docker-enabled through the API, and the truth read straight from a host's own docker socket.
import { readdirSync, readFileSync } from 'node:fs';
import { expect } from 'vitest';
import { LAB_USER, type LabHost } from '../lab/index.js';
import type { TestServer } from '../support/app.js';
import type { WsTestClient } from '../support/ws-client.js';

/** Registers a lab host through the API and answers its id. */
export async function addHost(ts: TestServer, name: string, h: LabHost): Promise<number> {
  const r = await ts.api('POST', '/api/hosts', { body: { name, host: h.address, port: h.port, username: LAB_USER } });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body.id as number;
}

/** Registers and enables Docker on a lab host; answers the host id and the first collection's result. */
export async function enableHost(ts: TestServer, name: string, h: LabHost): Promise<{ id: number; collect: any }> {
  const id = await addHost(ts, name, h);
  const r = await ts.api('POST', `/api/docker/hosts/${id}/enable`);
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return { id, collect: r.body.collect };
}

/** docker CLI on the host's own socket (no SSH, no dashboard); fails the test on a non-zero exit. */
export async function docker(h: LabHost, args: string[], timeoutMs = 30_000): Promise<string> {
  const out = await h.docker(args, { timeoutMs });
  if (out.code !== 0) throw new Error(`docker ${args.join(' ')} on ${h.name} exited ${out.code}: ${out.stderr.trim()}`);
  return out.stdout;
}

/** `--format '{{json .}}'` output, one object per line. */
export async function dockerJsonLines(h: LabHost, args: string[]): Promise<any[]> {
  const out = await docker(h, [...args, '--format', '{{json .}}']);
  return out
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l));
}

/** `docker inspect` of one or more objects (the JSON array the CLI prints). */
export async function inspect(h: LabHost, refs: string[]): Promise<any[]> {
  return JSON.parse(await docker(h, ['inspect', ...refs]));
}

/** The live state of one container on the host, or null when it does not exist. */
export async function stateOf(h: LabHost, ref: string): Promise<{ id: string; status: string; running: boolean; paused: boolean; exitCode: number; startedAt: string } | null> {
  const out = await h.docker(['inspect', ref]);
  if (out.code !== 0) return null;
  const o = JSON.parse(out.stdout)[0];
  return { id: o.Id, status: o.State.Status, running: o.State.Running, paused: o.State.Paused, exitCode: o.State.ExitCode, startedAt: o.State.StartedAt };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `fn` until it answers truthy, or throws with `what` after `timeoutMs`. */
export async function until<T>(what: string, fn: () => Promise<T | null | undefined | false>, timeoutMs = 15_000, stepMs = 100): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(stepMs);
  }
}

/** A throwaway container on a lab host (a shell loop; `--init` so stop is immediate). Answers its full id. */
export async function runLoop(h: LabHost, name: string, extra: string[] = []): Promise<string> {
  await h.docker(['rm', '-f', name]);
  return (await docker(h, ['run', '-d', '--name', name, '--init', ...extra, 'homelab/busybox:1', 'sh', '-c', 'while true; do sleep 1; done'])).trim();
}

/**
 * Processes on this machine that run `pattern` (a substring of their command line) against this lab host's dockerd
 * (their DOCKER_HOST, set by the host's sshd, is the host's socket): the remote side of our SSH commands.
 */
export function remoteProcs(h: LabHost, pattern: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').join(' ');
      if (!cmdline.includes(pattern) || !cmdline.startsWith('docker')) continue;
      const env = readFileSync(`/proc/${entry}/environ`, 'utf8').split('\0');
      if (env.includes(`DOCKER_HOST=${h.dockerHost}`)) found.push(Number(entry));
    } catch {
      /* gone meanwhile */
    }
  }
  return found;
}

/** Waits for a WebSocket message matching `pred` among those received after index `from` (ws.received.length earlier). */
export async function wsAfter(ws: WsTestClient, from: number, pred: (m: any) => boolean, timeoutMs = 10_000): Promise<{ at: number; msg: any }> {
  return until('a matching WebSocket message', async () => ws.received.slice(from).find((r) => pred(r.msg)), timeoutMs, 20);
}
