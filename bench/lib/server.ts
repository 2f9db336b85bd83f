// An in-process server (test/support/app.ts) watching some lab hosts: hosts created and Docker enabled through the
// HTTP API, exactly as an admin would.
import { LAB_USER, type Lab, type LabHost } from '../../test/lab/index.js';
import { startTestServer, type TestServer } from '../../test/support/app.js';

export interface WatchedServer {
  ts: TestServer;
  /** Host ids, in the order of the lab hosts given. */
  ids: number[];
  /** Wall time of enabling them all at once (each enable dials SSH and runs a full, cold collection). */
  enableMs: number;
}

export async function serverWatching(lab: Lab, hosts: LabHost[], opts: { scheduler: boolean; env?: Record<string, string> }): Promise<WatchedServer> {
  const ts = await startTestServer({ sshKeyFile: lab.clientKeyPath, scheduler: opts.scheduler, env: opts.env });
  try {
    const ids: number[] = [];
    for (const h of hosts) ids.push(await createHost(ts, h));
    const t0 = performance.now();
    await Promise.all(ids.map((id) => enable(ts, id)));
    return { ts, ids, enableMs: performance.now() - t0 };
  } catch (err) {
    await ts.destroy();
    throw err;
  }
}

export async function createHost(ts: Pick<TestServer, 'api'>, h: LabHost): Promise<number> {
  const r = await ts.api('POST', '/api/hosts', { body: { name: h.name, host: h.address, port: h.port, username: LAB_USER } });
  if (r.status !== 201) throw new Error(`creating host ${h.name}: HTTP ${r.status} ${JSON.stringify(r.body)}`);
  return r.body.id as number;
}

export async function enable(ts: Pick<TestServer, 'api'>, id: number): Promise<void> {
  const r = await ts.api('POST', `/api/docker/hosts/${id}/enable`);
  if (r.status !== 200 || r.body.collect?.docker_status !== 'online') {
    throw new Error(`enabling docker on host ${id}: HTTP ${r.status} ${JSON.stringify(r.body).slice(0, 300)}`);
  }
}
