// The "naive client" of the collect bench: what a script that shells out `ssh host docker ...` per command costs.
// Each command gets a NEW ssh2 connection (TCP + key exchange + auth), then the connection is closed; nothing pooled.
import { readFileSync } from 'node:fs';
import { Client } from 'ssh2';

export interface NaiveTarget {
  host: string;
  port: number;
  username: string;
  privateKey: Buffer;
}

export function naiveTarget(host: string, port: number, username: string, keyPath: string): NaiveTarget {
  return { host, port, username, privateKey: readFileSync(keyPath) };
}

/** Dials, runs one command, hangs up. Rejects on a non-zero exit or after `timeoutMs` (the connection is torn down). */
export function execFresh(t: NaiveTarget, command: string, timeoutMs = 30_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const client = new Client();
    let out = '';
    let err = '';
    const timer = setTimeout(() => finish(new Error(`${t.host}: "${command.slice(0, 60)}" timed out after ${timeoutMs} ms`)), timeoutMs);
    const finish = (e: Error | null, code?: number | null) => {
      clearTimeout(timer);
      client.end();
      if (e) reject(e);
      else if (code !== 0) reject(new Error(`${t.host}: "${command.slice(0, 60)}" exited ${code}: ${err.trim().slice(0, 200)}`));
      else resolve(out);
    };
    client
      .on('ready', () =>
        client.exec(command, (e, ch) => {
          if (e) return finish(e);
          ch.on('data', (d: Buffer) => (out += d));
          ch.stderr.on('data', (d: Buffer) => (err += d));
          ch.on('close', (code: number | null) => finish(null, code));
        }),
      )
      .on('error', (e) => finish(e))
      // Host keys are not the point here (the lab's are fresh); the real pool pins them.
      .connect({ host: t.host, port: t.port, username: t.username, privateKey: t.privateKey, hostVerifier: () => true, readyTimeout: timeoutMs });
  });
}

const J = `--format '{{json .}}'`;
const words = (s: string) => s.split(/\s+/).filter(Boolean).map((w) => `'${w.replace(/'/g, `'\\''`)}'`).join(' ');

/**
 * The collection cycle as one docker command per connection, ids threaded from one answer to the next:
 * 13 commands when containers are inspected (full), 11 without (steady).
 */
export async function naiveCycle(t: NaiveTarget, inspectContainers: boolean): Promise<number> {
  let n = 0;
  const run = (c: string) => (n++, execFresh(t, c));
  const listThenInspect = async (list: string, inspect: string) => {
    const ids = words(await run(list));
    if (ids) await run(`${inspect} ${ids}`);
  };
  await run(`docker version ${J}`);
  await run(`docker ps -a --no-trunc ${J}`);
  if (inspectContainers) await listThenInspect('docker ps -aq --no-trunc', `docker container inspect ${J}`);
  await run(`docker images --no-trunc ${J}`);
  await listThenInspect('docker images -q --no-trunc', `docker image inspect ${J}`);
  await run(`docker volume ls ${J}`);
  await listThenInspect('docker volume ls -q', `docker volume inspect ${J}`);
  await run(`docker network ls --no-trunc ${J}`);
  await listThenInspect('docker network ls -q --no-trunc', `docker network inspect ${J}`);
  return n;
}
