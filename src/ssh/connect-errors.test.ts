import { describe, expect, it } from 'vitest';
import { classifyConnectError, type Ssh2ConnectError } from './connect-errors.js';
import { SshAuthError, SshConnectError, SshTimeoutError } from './errors.js';

const target = { hostId: 3, host: 'nas.lan', port: 2222, username: 'automation', pinnedFingerprint: null };
const info = { target, connectTimeoutMs: 5000, keyExchanged: false };

// Shapes as ssh2 1.17 emits them: socket errors get level 'client-socket' and keep the errno code.
function ssh2Error(message: string, level: string, code?: string): Ssh2ConnectError {
  return Object.assign(new Error(message), { level, code });
}

describe('classifying connect failures', () => {
  it.each([
    ['ECONNREFUSED', 'refused', /connection refused by automation@nas\.lan:2222/],
    ['ENOTFOUND', 'dns', /cannot resolve host name nas\.lan/],
    ['EAI_AGAIN', 'dns', /DNS lookup of nas\.lan failed/],
    ['EHOSTUNREACH', 'unreachable', /unreachable/],
    ['ECONNRESET', 'reset', /connection reset/],
  ])('%s becomes a connect error saying why (%s)', (code, reason, message) => {
    const cause = ssh2Error(`connect ${code}`, 'client-socket', code);
    const e = classifyConnectError(cause, info);
    expect(e).toBeInstanceOf(SshConnectError);
    expect(e).toMatchObject({ code: 'ssh_connect_failed', reason, hostId: 3, host: 'nas.lan' });
    expect(e.message).toMatch(message);
    expect(e.cause).toBe(cause);
  });

  it('an exhausted authentication is an auth error', () => {
    const e = classifyConnectError(ssh2Error('All configured authentication methods failed', 'client-authentication'), info);
    expect(e).toBeInstanceOf(SshAuthError);
    expect(e.code).toBe('ssh_auth_failed');
  });

  it("ssh2's handshake timeout is a connect timeout that says how far it got", () => {
    const cause = ssh2Error('Timed out while waiting for handshake', 'client-timeout');
    const before = classifyConnectError(cause, info);
    expect(before).toBeInstanceOf(SshTimeoutError);
    expect(before).toMatchObject({ phase: 'connect', timeoutMs: 5000 });
    expect(before.message).toMatch(/no SSH key exchange completed/);
    expect(classifyConnectError(cause, { ...info, keyExchanged: true }).message).toMatch(/authentication did not finish/);
  });

  it('a failed algorithm negotiation is a handshake failure', () => {
    const e = classifyConnectError(ssh2Error('Handshake failed: no matching key exchange algorithm', 'handshake'), info);
    expect(e).toMatchObject({ code: 'ssh_connect_failed', reason: 'handshake' });
    expect(e.message).toMatch(/no matching key exchange algorithm/);
  });
});
