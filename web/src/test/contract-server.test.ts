import { afterEach, describe, expect, it } from 'vitest';
import { ContractServer } from './contract-server';
import { contractViolation } from './contract-schemas';
import { alert, container, dockerHost } from './fixtures';
import { startServer, teardown } from './harness';

/** The contract server holds itself to the real routes' schemas, so a drifted fixture or handler fails its test. */
describe('contract server', () => {
  let server: ContractServer | undefined;
  afterEach(async () => {
    await server?.stop();
    server = undefined;
  });

  async function get(s: ContractServer, path: string, method = 'GET') {
    const res = await fetch(`${s.url}${path}`, { method, headers: { authorization: `Bearer ${s.tokenFor('admin')}` } });
    return { status: res.status, body: (await res.json()) as { error?: string; message?: string } };
  }

  it('answers what fits the contract, and records nothing', async () => {
    server = await startServer((s) => {
      s.dockerHosts = [dockerHost(1)];
      s.containers.set(1, [container(1, 'web', 'running')]);
      s.alerts = [alert(1)];
    });
    for (const path of ['/api/docker/hosts', '/api/docker/hosts/1/containers', '/api/alerts', '/api/silences', '/api/auth/me', '/nope']) {
      expect((await get(server, path)).status).not.toBe(500);
    }
    expect((await get(server, '/api/docker/hosts/1/collect', 'POST')).status).toBe(200);
    expect(server.violations).toEqual([]);
  });

  it("catches a drifted answer: the collect errors as strings, the web's old idea of them", async () => {
    server = await startServer((s) => s.collectResults.set(1, { errors: ['images: permission denied'] as never }));
    const r = await get(server, '/api/docker/hosts/1/collect', 'POST');
    expect(r.status).toBe(500);
    expect(r.body.error).toBe('contract_violation');
    expect(server.violations).toHaveLength(1);
    expect(server.violations[0]).toMatch(/^POST \/api\/docker\/hosts\/1\/collect 200: \/errors\/0/);
  });

  it('catches a fixture with a wrong type, a missing field or a value outside a union', async () => {
    const { host_id: _gone, ...missing } = container(1, 'web', 'running');
    server = await startServer((s) => {
      s.dockerHosts = [dockerHost(1, { containers_running: '2' as never })];
      s.containers.set(1, [missing as never]);
      s.alerts = [alert(1, { severity: 'fatal' as never })];
    });
    for (const path of ['/api/docker/hosts', '/api/docker/hosts/1/containers', '/api/alerts']) expect((await get(server, path)).status).toBe(500);
    expect(server.violations.map((v) => v.split(':')[0])).toEqual([
      'GET /api/docker/hosts 200',
      'GET /api/docker/hosts/1/containers 200',
      'GET /api/alerts 200',
    ]);
    expect(server.violations.join('\n')).toMatch(/containers_running/);
    expect(server.violations.join('\n')).toMatch(/host_id/);
    expect(server.violations.join('\n')).toMatch(/severity/);
  });

  it('catches a field the real server would drop, and an answer on a route it does not know', () => {
    expect(contractViolation('GET', '/api/docker/hosts', 200, { hosts: [{ ...dockerHost(1), uptime: 3 }] })).toMatch(/does not declare/);
    expect(contractViolation('GET', '/api/docker/hosts/1/secrets', 200, {})).toMatch(/no schema/);
    expect(contractViolation('GET', '/api/docker/hosts/1/secrets', 404, { error: 'not_found', message: 'no route' })).toBeNull();
  });

  it('fails the test that caused the drift, at teardown', async () => {
    const s = await startServer((x) => {
      x.dockerHosts = [dockerHost(1, { docker_status: 'sleeping' as never })];
    });
    await get(s, '/api/docker/hosts');
    await expect(teardown(undefined, s)).rejects.toThrow(/outside the API contract:\nGET \/api\/docker\/hosts 200: .*docker_status/);
  });
});
