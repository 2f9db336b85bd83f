import { describe, expect, it } from 'vitest';
import { parseTarget } from './alert-rules.js';
import { type PortainerServerFacts, evaluatePortainerServer, problemOf, problemReason } from './portainer-alerts.js';

const server = (over: Partial<PortainerServerFacts> = {}): PortainerServerFacts => ({ id: 7, name: 'lab', enabled: true, status: 'online', status_reason: null, ...over });
const rules = (f: PortainerServerFacts) => Object.fromEntries(evaluatePortainerServer(f, 10).map((r) => [r.rule, r]));
const active = (f: PortainerServerFacts) => evaluatePortainerServer(f, 10).filter((r) => r.active).map((r) => r.rule);

describe('Portainer server rules', () => {
  it('reads back the kind of trouble the service stored, and nothing else from the reason', () => {
    expect(problemOf({ status: 'unreachable', status_reason: 'connect ECONNREFUSED' })).toBe('unreachable');
    expect(problemOf({ status: 'error', status_reason: problemReason('login_refused', 'Portainer answered 401: Unauthorized') })).toBe('login_refused');
    expect(problemOf({ status: 'error', status_reason: problemReason('certificate', 'fingerprint AA, pinned BB') })).toBe('certificate');
    // an answer that is not Portainer's API (500, not JSON): the server cannot be used, as if unreachable
    expect(problemOf({ status: 'error', status_reason: 'Portainer answered 500: boom' })).toBe('unreachable');
    expect(problemOf({ status: 'error', status_reason: 'the certificate of login refused' })).toBe('unreachable');
    expect(problemOf({ status: 'online', status_reason: null })).toBeNull();
    expect(problemOf({ status: 'unknown', status_reason: null })).toBeNull();
  });

  it('opens one rule per kind of trouble on the server subject, with the reason and without the stored prefix', () => {
    const r = rules(server({ status: 'error', status_reason: problemReason('certificate', 'fingerprint AA, pinned BB') }));
    expect(r.portainer_certificate).toMatchObject({
      active: true,
      severity: 'critical',
      target: 'portainer:server:7:certificate',
      graceSeconds: 0,
      message: 'Portainer server lab presents a TLS certificate other than the pinned one: fingerprint AA, pinned BB',
      subject: { source: 'portainer', kind: 'server', key: 'portainer:server:7', name: 'lab', scope: 'portainer:server:7', hostId: null },
    });
    expect(r.portainer_unreachable!.active).toBe(false);
    expect(r.portainer_login_refused!.active).toBe(false);

    const login = rules(server({ status: 'error', status_reason: problemReason('login_refused', 'Portainer answered 422: Invalid credentials') }));
    expect(login.portainer_login_refused).toMatchObject({ active: true, severity: 'error', target: 'portainer:server:7:login', message: "Portainer server lab refused the dashboard's credentials: Portainer answered 422: Invalid credentials" });
    const down = rules(server({ status: 'unreachable', status_reason: 'connect ECONNREFUSED 127.0.0.1:9443' }));
    expect(down.portainer_unreachable).toMatchObject({ active: true, severity: 'error', graceSeconds: 10, message: 'Portainer server lab is unreachable: connect ECONNREFUSED 127.0.0.1:9443' });
  });

  it('closes everything when the server answers again or is disabled, and says nothing while unknown', () => {
    expect(active(server())).toEqual([]);
    expect(evaluatePortainerServer(server(), 10)).toHaveLength(3);
    expect(active(server({ enabled: false, status: 'unreachable', status_reason: 'x' }))).toEqual([]);
    expect(evaluatePortainerServer(server({ enabled: false, status: 'unreachable' }), 10)).toHaveLength(3);
    expect(evaluatePortainerServer(server({ status: 'unknown' }), 10)).toEqual([]);
  });

  it('keeps the host and container target grammar to their own rules', () => {
    expect(parseTarget('host:3:unreachable')).toBeNull();
    expect(parseTarget('docker:3:web:login')).toBeNull();
    expect(parseTarget('host:3:offline')).toMatchObject({ source: 'host', hostId: 3, rule: 'host_offline' });
  });
});
