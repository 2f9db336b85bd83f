// Shared helpers of the proxmox-actions*.test.ts files: a real server and the strict PVE simulator, clusters added
// through the API (pinned to the simulator's certificate), and task rows followed to their end through the API.
import { expect } from 'vitest';
import type { TestServer } from '../support/app.js';
import type { ProxmoxSim } from '../support/proxmox/sim.js';
import { setRunning, setStopped } from '../support/proxmox/actions.js';

export { setRunning, setStopped };

/** Adds a cluster reaching the simulator as `username` (dash@pve: Administrator; audit@pve: PVEAuditor). */
export async function addCluster(ts: TestServer, sim: ProxmoxSim, name: string, username = 'dash', password = 's3cret'): Promise<number> {
  const r = await ts.api('POST', '/api/proxmox/clusters', {
    body: { name, host: '127.0.0.1', port: Number(new URL(sim.url).port), username, password, tls_fingerprint: sim.fingerprint },
  });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body.id as number;
}

/** The task row once it has ended (success or failed), read through GET /api/tasks/{id}. */
export async function settled(ts: TestServer, taskId: number, timeoutMs = 10_000): Promise<any> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const r = await ts.api('GET', `/api/tasks/${taskId}`, { role: 'viewer' });
    expect(r.status).toBe(200);
    if (r.body.status === 'success' || r.body.status === 'failed') return r.body;
    if (Date.now() > deadline) throw new Error(`task ${taskId} still ${r.body.status} after ${timeoutMs} ms`);
    await new Promise((res) => setTimeout(res, 25));
  }
}

/** How many task rows exist (nothing half-done: a refused action adds none, or one that ended failed). */
export async function taskCount(ts: TestServer): Promise<number> {
  const r = await ts.api('GET', '/api/tasks?limit=1000', { role: 'viewer' });
  return (r.body.tasks as unknown[]).length;
}

/** The simulator's record of the task with this UPID. */
export function simTask(sim: ProxmoxSim, upid: string) {
  const t = sim.tasks.find((x) => x.upid === upid);
  expect(t, `no PVE task ${upid}`).toBeDefined();
  return t!;
}
