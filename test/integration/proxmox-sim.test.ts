import { request } from 'node:https';
import { connect } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startProxmoxSim, type ProxmoxSim } from '../support/proxmox/sim.js';

// Tests of the PVE simulator itself against the reference (/work/shared/reference/proxmox-api.md): the later
// Proxmox provider's tests trust it, so each of the reference's simulator checklist items is checked here.

interface Answer {
  status: number;
  reason: string;
  text: string;
  json: any;
}

interface CallOptions {
  method?: string;
  form?: Record<string, string>;
  json?: unknown;
  ticket?: string;
  csrf?: string;
  token?: string;
}

let sim: ProxmoxSim;

function call(path: string, o: CallOptions = {}): Promise<Answer> {
  const body = o.form ? new URLSearchParams(o.form).toString() : o.json !== undefined ? JSON.stringify(o.json) : undefined;
  const headers: Record<string, string> = {};
  if (o.form) headers['Content-Type'] = 'application/x-www-form-urlencoded';
  if (o.json !== undefined) headers['Content-Type'] = 'application/json';
  if (o.ticket) headers.Cookie = `PVEAuthCookie=${encodeURIComponent(o.ticket)}`;
  if (o.csrf) headers.CSRFPreventionToken = o.csrf;
  if (o.token) headers.Authorization = `PVEAPIToken=${o.token}`;
  if (body !== undefined) headers['Content-Length'] = String(Buffer.byteLength(body));
  return new Promise((resolve, reject) => {
    const req = request(
      `${sim.url}/api2/json${path}`,
      { method: o.method ?? (body ? 'POST' : 'GET'), headers, rejectUnauthorized: false },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, reason: res.statusMessage ?? '', text, json: text ? JSON.parse(text) : undefined }),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const ROOT_TOKEN = 'root@pam!dash=5f1c6a52-3b8e-4c1d-9a57-2f0e8b7d6c41';
const AUDIT_TOKEN = 'audit@pve!ro=a0d1e2f3-0000-4000-8000-00000000a0d1';

async function login(username: string, password: string, realm?: string): Promise<{ ticket: string; csrf: string }> {
  const r = await call('/access/ticket', { form: { username, password, ...(realm ? { realm } : {}) } });
  expect(r.status).toBe(200);
  return { ticket: r.json.data.ticket, csrf: r.json.data.CSRFPreventionToken };
}

async function waitTask(node: string, upid: string): Promise<any> {
  for (;;) {
    const r = await call(`/nodes/${node}/tasks/${encodeURIComponent(upid)}/status`, { token: ROOT_TOKEN });
    if (r.json.data.status === 'stopped') return r.json.data;
    await new Promise((res) => setTimeout(res, 20));
  }
}

async function act(path: string, form: Record<string, string> = {}): Promise<Answer> {
  return call(path, { method: 'POST', form, token: ROOT_TOKEN });
}

beforeAll(async () => {
  sim = await startProxmoxSim({ taskDelayMs: 40, unauthorizedDelayMs: 0 });
});
afterAll(async () => sim?.stop());

describe('authentication', () => {
  it('logs in with a ticket and answers the reference shapes', async () => {
    const r = await call('/access/ticket', { form: { username: 'dash@pve', password: 's3cret' } });
    expect(r.status).toBe(200);
    expect(r.json.data.username).toBe('dash@pve');
    expect(r.json.data.ticket).toMatch(/^PVE:dash@pve:[0-9A-F]{8}::[A-Za-z0-9+/]+=*$/);
    expect(r.json.data.CSRFPreventionToken).toMatch(/^[0-9A-F]{8}:[A-Za-z0-9+/]{43}$/);
    expect(r.json.data.clustername).toBe('homelab');
    expect(r.json.data.cap.vms['VM.PowerMgmt']).toBe(1);
    const bad = await call('/access/ticket', { form: { username: 'dash@pve', password: 'nope' } });
    expect([bad.status, bad.reason]).toEqual([401, 'authentication failure']);
    expect(bad.json).toEqual({ data: null, message: 'authentication failure\n' });
  });

  it('appends the realm to the username whenever it is given (so user@pve + pve fails)', async () => {
    await login('dash', 's3cret', 'pve');
    const twice = await call('/access/ticket', { form: { username: 'dash@pve', password: 's3cret', realm: 'pve' } });
    expect(twice.status).toBe(401);
  });

  it('renews a ticket given as the password, and expires it after 2 hours', async () => {
    const { ticket } = await login('dash@pve', 's3cret');
    const renewed = await login('dash@pve', ticket);
    expect(renewed.ticket).toMatch(/^PVE:dash@pve:/);
    expect((await call('/version', { ticket })).status).toBe(200);
    sim.advanceClock(7201);
    try {
      const expired = await call('/version', { ticket });
      expect([expired.status, expired.reason, expired.text]).toEqual([401, 'Authentication failed!', '']);
      sim.config.version = '8.4.14';
      const old = await call('/version', { ticket });
      expect(old.reason).toBe('permission denied - invalid PVE ticket');
    } finally {
      sim.config.version = '9.1.5';
      sim.advanceClock(-7201);
    }
  });

  it('requires the CSRF header on writes with a ticket, and not with a token', async () => {
    const { ticket, csrf } = await login('dash@pve', 's3cret');
    const noTicket = await call('/version');
    expect([noTicket.status, noTicket.reason, noTicket.text]).toEqual([401, 'No ticket', '']);
    const without = await call('/nodes/pve1/qemu/100/status/reset', { method: 'POST', ticket });
    expect([without.status, without.reason, without.text]).toEqual([401, 'Permission denied - invalid csrf token', '']);
    const withCsrf = await call('/nodes/pve1/qemu/100/status/reset', { method: 'POST', ticket, csrf });
    expect(withCsrf.json.data).toMatch(/^UPID:pve1:.*:qmreset:100:dash@pve:$/);
    const token = await act('/nodes/pve1/qemu/100/status/reset');
    expect(token.json.data).toMatch(/:qmreset:100:root@pam!dash:$/);
    const records = sim.requests.filter((r) => r.path === '/nodes/pve1/qemu/100/status/reset');
    expect(records.map((r) => [r.auth, r.csrfSent, r.status])).toEqual([
      ['ticket', false, 401], ['ticket', true, 200], ['token', false, 200],
    ]);
    await sim.tasksIdle();
  });

  it('authenticates API tokens and refuses them where the schema says allowtoken 0', async () => {
    expect((await call('/version', { token: ROOT_TOKEN })).json.data).toEqual({ version: '9.1.5', release: '9.1', repoid: '9d436f37a0ac4172' });
    const wrong = await call('/version', { token: 'root@pam!dash=00000000-0000-0000-0000-000000000000' });
    expect([wrong.status, wrong.reason]).toEqual([401, 'Authentication failed!']);
    const onLogin = await call('/access/ticket', { form: { username: 'x', password: 'y' }, token: ROOT_TOKEN });
    expect(onLogin.status).toBe(403);
    expect(onLogin.reason).toBe("Permission check failed (URI '/access/ticket' not available with API token, need proper ticket.");
  });

  it('answers every 401 only after the configured delay (PVE: 3 s)', async () => {
    sim.config.unauthorizedDelayMs = 3000;
    try {
      const t0 = Date.now();
      expect((await call('/version')).status).toBe(401);
      expect(Date.now() - t0).toBeGreaterThanOrEqual(2500);
    } finally {
      sim.config.unauthorizedDelayMs = 0;
    }
  });
});

describe('validation, permissions, errors', () => {
  it('rejects bad parameters with PVE texts per parameter', async () => {
    const r = await act('/nodes/pve1/qemu/100/snapshot', { snapname: '1st', name: 'x' });
    expect([r.status, r.reason]).toEqual([400, 'Parameter verification failed.']);
    expect(r.json).toEqual({
      data: null,
      message: 'Parameter verification failed.\n',
      errors: {
        snapname: "invalid format - invalid configuration ID '1st'\n",
        name: 'property is not defined in schema and the schema does not allow additional properties',
      },
    });
    const long = await act('/nodes/pve1/qemu/100/snapshot', { snapname: `a${'b'.repeat(40)}` });
    expect(long.json.errors).toEqual({ snapname: 'value may only be 40 characters long' });
    const missing = await act('/nodes/pve1/qemu/100/snapshot', {});
    expect(missing.json.errors).toEqual({ snapname: 'property is missing and it is not optional' });
    const bool = await act('/nodes/pve1/qemu/100/status/suspend', { todisk: 'true' });
    expect(bool.json.errors).toEqual({ todisk: "type check ('boolean') failed - got 'true'" });
    const en = await call('/cluster/resources?type=pool', { token: ROOT_TOKEN });
    expect(en.json.errors).toEqual({ type: "value 'pool' does not have a value in the enumeration 'vm, storage, node, sdn'" });
    const int = await call('/nodes/pve1/qemu/abc/status/current', { token: ROOT_TOKEN });
    expect(int.json.errors).toEqual({ vmid: "type check ('integer') failed - got 'abc'" });
    sim.config.errorMessages = false;
    try {
      expect((await act('/nodes/pve1/qemu/100/snapshot', {})).json).toEqual({ errors: { snapname: 'property is missing and it is not optional' }, data: null });
    } finally {
      sim.config.errorMessages = true;
    }
  });

  it('answers 501 for unknown paths and bodies on GET, 500 for missing guests and nodes', async () => {
    const unknown = await call('/foo/bar', { token: ROOT_TOKEN });
    expect([unknown.status, unknown.reason]).toEqual([501, "Method 'GET /foo/bar' not implemented"]);
    const body = await call('/version', { method: 'GET', form: { a: '1' }, token: ROOT_TOKEN });
    expect([body.status, body.reason]).toEqual([501, "Unexpected content for method 'GET'"]);
    const guest = await call('/nodes/pve1/qemu/999/status/current', { token: ROOT_TOKEN });
    expect([guest.status, guest.reason]).toEqual([500, "Configuration file 'nodes/pve1/qemu-server/999.conf' does not exist"]);
    const node = await call('/nodes/foo/qemu', { token: ROOT_TOKEN });
    expect(node.status).toBe(500);
    expect(node.reason).toMatch(/^hostname lookup 'foo' failed - /);
  });

  it('gives a PVEAuditor the 403 text on actions, and trims what it may not see', async () => {
    const r = await call('/nodes/pve1/qemu/100/status/start', { method: 'POST', token: AUDIT_TOKEN });
    expect([r.status, r.reason]).toEqual([403, 'Permission check failed (/vms/100, VM.PowerMgmt)']);
    expect(r.json.message).toBe('Permission check failed (/vms/100, VM.PowerMgmt)\n');
    const { ticket, csrf } = await login('audit', 'audit', 'pve');
    const snap = await call('/nodes/pve1/qemu/100/snapshot', { form: { snapname: 'x1' }, ticket, csrf });
    expect(snap.reason).toBe('Permission check failed (/vms/100, VM.Snapshot)');
    expect((await call('/nodes/pve1/status', { token: AUDIT_TOKEN })).status).toBe(200);
    sim.addToken({ tokenid: 'audit@pve!none', secret: 's', acl: [{ path: '/vms/100', privs: ['VM.Audit'] }] });
    const trimmed = await call('/cluster/resources', { token: 'audit@pve!none=s' });
    expect(trimmed.json.data.filter((e: any) => e.type === 'qemu' || e.type === 'lxc').map((e: any) => e.vmid)).toEqual([100]);
    expect(trimmed.json.data.find((e: any) => e.type === 'node')).not.toHaveProperty('cpu');
  });

  it('answers 595 with an empty body for a call proxied to an offline node', async () => {
    sim.setNodeOnline('pve2', false);
    try {
      const r = await call('/nodes/pve2/qemu', { token: ROOT_TOKEN });
      expect([r.status, r.reason, r.text]).toEqual([595, 'No route to host', '']);
      const status = await call('/cluster/status', { token: ROOT_TOKEN });
      expect(status.json.data.find((e: any) => e.name === 'pve2').online).toBe(0);
      const res = await call('/cluster/resources?type=vm', { token: ROOT_TOKEN });
      expect(res.json.data.find((e: any) => e.vmid === 201).status).toBe('unknown');
    } finally {
      sim.setNodeOnline('pve2', true);
    }
  });
});

describe('guests and tasks', () => {
  it('runs an action as a task: UPID, running, then stopped with exitstatus OK and a log', async () => {
    const r = await act('/nodes/pve2/lxc/201/status/start');
    const upid: string = r.json.data;
    expect(upid).toMatch(/^UPID:pve2:[0-9A-F]{8}:[0-9A-F]{8,9}:[0-9A-F]{8}:vzstart:201:root@pam!dash:$/);
    const running = await call(`/nodes/pve2/tasks/${encodeURIComponent(upid)}/status`, { token: ROOT_TOKEN });
    expect(running.json.data).toMatchObject({ status: 'running', type: 'vzstart', id: '201', user: 'root@pam', tokenid: 'dash' });
    expect(running.json.data).not.toHaveProperty('exitstatus');
    expect(typeof running.json.data.pid).toBe('number');
    expect(sim.guest(201).status).toBe('stopped');
    expect(await waitTask('pve2', upid)).toMatchObject({ status: 'stopped', exitstatus: 'OK' });
    expect(sim.guest(201).status).toBe('running');
    const log = await call(`/nodes/pve2/tasks/${encodeURIComponent(upid)}/log`, { token: ROOT_TOKEN });
    expect(log.json).toEqual({ data: [{ n: 1, t: 'TASK OK' }], total: 1 });
    const bad = await call('/nodes/pve2/tasks/nonsense/status', { token: ROOT_TOKEN });
    expect(bad.json.errors).toEqual({ upid: 'unable to parse worker upid' });
  });

  it('tells paused from suspended: status vs qmpstatus, and /cluster/resources shows the qmpstatus', async () => {
    const list = await call('/nodes/pve1/qemu', { token: ROOT_TOKEN });
    const win = list.json.data.find((g: any) => g.vmid === 101);
    expect(win.status).toBe('running');
    expect(win).not.toHaveProperty('qmpstatus');
    const full = await call('/nodes/pve1/qemu?full=1', { token: ROOT_TOKEN });
    expect(full.json.data.find((g: any) => g.vmid === 101).qmpstatus).toBe('paused');
    const res = await call('/cluster/resources?type=vm', { token: ROOT_TOKEN });
    expect(res.json.data.find((g: any) => g.vmid === 101).status).toBe('paused');
    sim.guest(101).qmpstatus = 'suspended'; // the guest put itself to S3
    const cur = await call('/nodes/pve1/qemu/101/status/current', { token: ROOT_TOKEN });
    expect([cur.json.data.status, cur.json.data.qmpstatus]).toEqual(['running', 'suspended']);
    // hibernation: QEMU quits, lock "suspended"; resume restores it
    const hib = await act('/nodes/pve1/qemu/101/status/suspend', { todisk: '1' });
    expect(hib.json.data).toContain(':qmsuspend:101:');
    await waitTask('pve1', hib.json.data);
    const after = await call('/nodes/pve1/qemu/101/status/current', { token: ROOT_TOKEN });
    expect([after.json.data.status, after.json.data.qmpstatus, after.json.data.lock]).toEqual(['stopped', 'stopped', 'suspended']);
    expect(await waitTask('pve1', (await act('/nodes/pve1/qemu/101/status/resume')).json.data)).toMatchObject({ exitstatus: 'OK' });
    expect([sim.guest(101).status, sim.guest(101).lock]).toEqual(['running', undefined]);
  });

  it('answers wrong-state actions as PVE does: sync 500, failed task, or no-op OK', async () => {
    const ct = await act('/nodes/pve1/lxc/200/status/start');
    expect([ct.status, ct.reason]).toEqual([500, 'CT 200 already running']);
    const qm = await act('/nodes/pve1/qemu/100/status/start');
    expect(await waitTask('pve1', qm.json.data)).toMatchObject({ exitstatus: 'VM 100 already running' });
    const tmpl = await act('/nodes/pve2/qemu/102/status/start');
    expect((await waitTask('pve2', tmpl.json.data)).exitstatus).toBe("you can't start a vm if it's a template");
    const stop = await act('/nodes/pve2/qemu/102/status/stop');
    expect((await waitTask('pve2', stop.json.data)).exitstatus).toBe('OK');
    const reboot = await act('/nodes/pve2/lxc/201/status/stop');
    await waitTask('pve2', reboot.json.data);
    expect((await act('/nodes/pve2/lxc/201/status/reboot')).reason).toBe('VM 201 not running');
    sim.guest(100).qmpstatus = 'paused';
    expect((await act('/nodes/pve1/qemu/100/status/shutdown')).reason).toBe('VM is paused - cannot shutdown');
    sim.guest(100).qmpstatus = 'running';
    sim.failNextTask('VM quit/powerdown failed - got timeout', 'qmshutdown');
    const sd = await act('/nodes/pve1/qemu/100/status/shutdown');
    const end = await waitTask('pve1', sd.json.data);
    expect(end.exitstatus).toBe('VM quit/powerdown failed - got timeout');
    const log = await call(`/nodes/pve1/tasks/${encodeURIComponent(sd.json.data)}/log`, { token: ROOT_TOKEN });
    expect(log.json.data.at(-1).t).toBe('TASK ERROR: VM quit/powerdown failed - got timeout');
    expect(sim.guest(100).status).toBe('running');
  });

  it('reports agent IPs with ipv4/ipv6 for QEMU and inet/inet6 for LXC, null when a CT is stopped', async () => {
    const ga = await call('/nodes/pve1/qemu/100/agent/network-get-interfaces', { token: ROOT_TOKEN });
    expect(ga.json.data.result[1]['ip-addresses'][0]).toEqual({ 'ip-address-type': 'ipv4', prefix: 24, 'ip-address': '192.168.1.20' });
    expect(ga.json.data.result[2]).not.toHaveProperty('ip-addresses');
    const none = await call('/nodes/pve1/qemu/101/agent/network-get-interfaces', { token: ROOT_TOKEN });
    expect([none.status, none.reason]).toEqual([500, 'No QEMU guest agent configured']);
    const ct = await call('/nodes/pve1/lxc/200/interfaces', { token: ROOT_TOKEN });
    expect(ct.json.data[1]).toMatchObject({ name: 'eth0', inet: '192.168.1.53/24', hwaddr: 'bc:24:11:12:34:56' });
    expect(ct.json.data[1]['ip-addresses'][0]['ip-address-type']).toBe('inet');
    expect((await call('/nodes/pve2/lxc/201/interfaces', { token: ROOT_TOKEN })).json).toEqual({ data: null });
  });

  it('takes, lists, rolls back and deletes snapshots as tasks, with reserved names refused', async () => {
    expect((await act('/nodes/pve1/qemu/100/snapshot', { snapname: 'current' })).reason).toBe("unable to use snapshot name 'current' (reserved name)");
    const take = await act('/nodes/pve1/qemu/100/snapshot', { snapname: 'before_upgrade', description: 'pre' });
    expect((await waitTask('pve1', take.json.data)).exitstatus).toBe('OK');
    const dup = await act('/nodes/pve1/qemu/100/snapshot', { snapname: 'before_upgrade' });
    expect((await waitTask('pve1', dup.json.data)).exitstatus).toBe("snapshot name 'before_upgrade' already used");
    const list = await call('/nodes/pve1/qemu/100/snapshot', { token: ROOT_TOKEN });
    expect(list.json.data).toEqual([
      { name: 'before_upgrade', description: 'pre', snaptime: expect.any(Number), vmstate: 0 },
      { name: 'current', description: 'You are here!', digest: expect.any(String), running: 1, parent: 'before_upgrade' },
    ]);
    const rb = await act('/nodes/pve1/qemu/100/snapshot/before_upgrade/rollback');
    expect(rb.json.data).toContain(':qmrollback:100:');
    await waitTask('pve1', rb.json.data);
    expect(sim.guest(100).status).toBe('stopped');
    const del = await call('/nodes/pve1/qemu/100/snapshot/before_upgrade', { method: 'DELETE', token: ROOT_TOKEN });
    await waitTask('pve1', del.json.data);
    expect(sim.guest(100).snapshots).toEqual([]);
  });

  it("backs up with vzdump into a storage's content, and answers a plain \"OK\" when nothing is local", async () => {
    const foreign = await act('/nodes/pve1/vzdump', { vmid: '201', storage: 'local' });
    expect(foreign.json).toEqual({ data: 'OK' });
    // `node` is also the URI's parameter: through the HTTP API a different value is a duplicate, not a skip
    const other = await act('/nodes/pve1/vzdump', { vmid: '200', node: 'pve2' });
    expect(other.json.errors).toEqual({ node: 'duplicate parameter (already defined in URI) with conflicting values!' });
    const r = await act('/nodes/pve1/vzdump', { vmid: '200', storage: 'local', mode: 'snapshot', compress: 'zstd' });
    expect(r.json.data).toMatch(/:vzdump:200:root@pam!dash:$/);
    expect((await waitTask('pve1', r.json.data)).exitstatus).toBe('OK');
    const content = await call('/nodes/pve1/storage/local/content?content=backup&vmid=200', { token: ROOT_TOKEN });
    expect(content.json.data).toEqual([expect.objectContaining({ vmid: 200, format: 'tar.zst', subtype: 'lxc', volid: expect.stringMatching(/^local:backup\/vzdump-lxc-200-.*\.tar\.zst$/) })]);
    const two = await act('/nodes/pve1/vzdump', { vmid: '100,200', storage: 'local' });
    expect(two.json.data).toMatch(/:vzdump::root@pam!dash:$/);
    await waitTask('pve1', two.json.data);
    expect((await act('/nodes/pve1/vzdump', { vmid: '100', stdout: '1' })).json.errors).toEqual({ stdout: 'option is only allowed on the command line interface.' });
  });
});

describe('nodes, storage, history, certificate', () => {
  it('reports 0/1 booleans and string fields where PVE does', async () => {
    const status = await call('/nodes/pve1/status', { token: ROOT_TOKEN });
    expect(status.json.data.loadavg).toEqual(['0.41', '0.37', '0.30']);
    expect(status.json.data.cpuinfo).toMatchObject({ mhz: '2895.985', hvm: '1' });
    expect(status.json.data.pveversion).toBe('pve-manager/9.1.5/9d436f37a0ac4172');
    const storage = await call('/nodes/pve1/storage', { token: ROOT_TOKEN });
    expect(storage.json.data.find((s: any) => s.storage === 'nas-nfs')).toMatchObject({ shared: 1, active: 0, enabled: 1, total: 0 });
    const res = await call('/cluster/resources?type=storage', { token: ROOT_TOKEN });
    expect(res.json.data.find((s: any) => s.id === 'storage/pve1/nas-nfs')).toMatchObject({ status: 'unknown', shared: 1 });
    const tmpl = (await call('/cluster/resources?type=vm', { token: ROOT_TOKEN })).json.data.find((g: any) => g.vmid === 102);
    expect(tmpl.template).toBe(1);
    const power = await act('/nodes/pve2/status', { command: 'reboot' });
    expect(power.json).toEqual({ data: null });
  });

  it('serves RRD data oldest first, with fields and point counts per claimed version', async () => {
    const v9 = (await call('/nodes/pve1/rrddata?timeframe=hour', { token: ROOT_TOKEN })).json.data;
    expect(v9).toHaveLength(60);
    expect(v9[1].time - v9[0].time).toBe(60);
    expect(Object.keys(v9[0])).toEqual(expect.arrayContaining(['time', 'cpu', 'memavailable', 'pressurecpusome']));
    expect(v9.at(-1)).toEqual({ time: expect.any(Number) });
    const guest = (await call('/nodes/pve2/qemu/102/rrddata?timeframe=day&cf=MAX', { token: ROOT_TOKEN })).json.data;
    expect(guest).toHaveLength(1440);
    expect(guest[0]).not.toHaveProperty('cpu');
    sim.config.version = '8.4.14';
    try {
      const v8 = (await call('/nodes/pve1/qemu/100/rrddata?timeframe=week', { token: ROOT_TOKEN })).json.data;
      expect(v8).toHaveLength(70);
      expect(v8[1].time - v8[0].time).toBe(10800);
      expect(v8[0]).not.toHaveProperty('memhost');
    } finally {
      sim.config.version = '9.1.5';
    }
  });

  it("exposes the certificate's SHA-256 fingerprint in PVE's form, and changes it on request", async () => {
    const seen = (): Promise<string> =>
      new Promise((resolve, reject) => {
        const port = Number(new URL(sim.url).port);
        const s = connect({ host: '127.0.0.1', port, rejectUnauthorized: false }, () => {
          resolve(s.getPeerCertificate().fingerprint256);
          s.end();
        });
        s.on('error', reject);
      });
    expect(sim.fingerprint).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    expect(await seen()).toBe(sim.fingerprint);
    const nodes = await call('/nodes', { token: ROOT_TOKEN });
    expect(nodes.json.data.find((n: any) => n.node === 'pve1').ssl_fingerprint).toBe(sim.fingerprint);
    const before = sim.fingerprint;
    const after = sim.replaceCertificate();
    expect(after).not.toBe(before);
    expect(await seen()).toBe(after);
  });
});
