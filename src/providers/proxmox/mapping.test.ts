import { describe, expect, it } from 'vitest';
import { clusterSummary, encodeParams, parseUpid, pveError, taskSucceeded } from './mapping.js';

describe('PVE wire mapping', () => {
  it('encodes booleans as 1/0 and leaves unset keys out (PVE refuses `true` in a form and unknown keys)', () => {
    expect(encodeParams({ full: true, force: false, timeout: 30, storage: undefined, vms: '100,101' })).toBe('full=1&force=0&timeout=30&vms=100%2C101');
  });

  it('parses UPIDs, including an empty id and a token user (§8.1)', () => {
    expect(parseUpid('UPID:pve1:000A1B2C:0A3F5E21:66F1A2B3:qmstart:100:root@pam:')).toEqual({ node: 'pve1', type: 'qmstart', id: '100', user: 'root@pam', starttime: 1727111859 });
    expect(parseUpid('UPID:pve2:0000000A:000000FF:66F1A2B3:vzdump::homelab@pve!dash:')).toMatchObject({ id: '', user: 'homelab@pve!dash' });
    expect(() => parseUpid('UPID:pve1:000A1B2C:0A3F5E21:66F1A2B3:qmstart:100:root@pam')).toThrow(/not a task id/);
  });

  it('reads a task outcome: OK and WARNINGS are success, anything else is the error', () => {
    expect(taskSucceeded('OK')).toBe(true);
    expect(taskSucceeded('WARNINGS: 2')).toBe(true);
    expect(taskSucceeded('VM 100 already running')).toBe(false);
    expect(taskSucceeded('unexpected status')).toBe(false);
  });

  it('turns error bodies of every version into kinds with PVE\'s text', () => {
    const newer = pveError(500, 'QEMU guest agent is not running', '{"data":null,"message":"QEMU guest agent is not running\\n"}', 'GET /x');
    expect(newer).toMatchObject({ kind: 'failed', status: 500, message: 'GET /x: QEMU guest agent is not running' });
    const older = pveError(400, 'Parameter verification failed.', '{"errors":{"target":"invalid format - value does not look like a valid node name\\n"},"data":null}', 'POST /y');
    expect(older).toMatchObject({ kind: 'bad_request', errors: { target: expect.stringContaining('valid node name') } });
    expect(older.message).toBe('POST /y: Parameter verification failed. (target: invalid format - value does not look like a valid node name)');
    expect(pveError(403, 'Permission check failed (/vms/100, VM.PowerMgmt)', '', 'z').message).toBe('z: Permission check failed (/vms/100, VM.PowerMgmt)');
    expect(pveError(595, 'No route to host', '', 'n')).toMatchObject({ kind: 'node_offline' });
    expect(pveError(500, "Configuration file 'nodes/pve1/qemu-server/999.conf' does not exist", '', 'g').kind).toBe('not_found');
    expect(pveError(401, 'Authentication failed!', '', 'a').kind).toBe('auth');
  });

  it('summarises the cluster status with booleans; a standalone host is quorate and has no name', () => {
    expect(clusterSummary([
      { type: 'cluster', id: 'cluster', name: 'homelab', nodes: 2, version: 4, quorate: 0 },
      { type: 'node', id: 'node/pve2', name: 'pve2', nodeid: 2, local: 0, online: 0, level: '' },
      { type: 'node', id: 'node/pve1', name: 'pve1', nodeid: 1, local: 1, online: 1, level: '' },
    ])).toEqual({ name: 'homelab', quorate: false, nodes: [{ name: 'pve1', online: true, local: true }, { name: 'pve2', online: false, local: false }] });
    expect(clusterSummary([{ type: 'node', id: 'node/pve', name: 'pve', nodeid: 0, local: 1, online: 1, level: '' }])).toEqual({ name: null, quorate: true, nodes: [{ name: 'pve', online: true, local: true }] });
  });
});
