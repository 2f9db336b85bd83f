import { describe, expect, it } from 'vitest';
import {
  SshAuthError,
  SshBackoffError,
  SshConnectError,
  SshError,
  SshHostKeyMismatchError,
  SshTimeoutError,
} from './errors.js';

const ctx = { hostId: 7, host: 'nas.lan' };

describe('ssh errors', () => {
  it('carry the host, a stable code and the cause', () => {
    const cause = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    const e = new SshConnectError(ctx, 'refused', 'SSH connect failed: connection refused', cause);
    expect(e).toBeInstanceOf(SshError);
    expect(e).toMatchObject({ code: 'ssh_connect_failed', hostId: 7, host: 'nas.lan', reason: 'refused', name: 'SshConnectError' });
    expect(e.cause).toBe(cause);
  });

  it('an auth failure is a connect failure with its own code, naming user and host', () => {
    const e = new SshAuthError(ctx, 'automation');
    expect(e).toBeInstanceOf(SshConnectError);
    expect(e.code).toBe('ssh_auth_failed');
    expect(e.message).toContain('automation@nas.lan');
  });

  it('a timeout says which phase and after how long', () => {
    const e = new SshTimeoutError(ctx, 'connect', 5000);
    expect(e.message).toMatch(/connect to nas\.lan timed out after 5000 ms/);
    expect(new SshTimeoutError(ctx, 'exec', 15000).message).toMatch(/command on nas\.lan timed out after 15000 ms/);
  });

  it('a host key mismatch shows both fingerprints and how to clear the pin', () => {
    const e = new SshHostKeyMismatchError(ctx, 'SHA256:old', 'SHA256:new');
    expect(e.code).toBe('ssh_host_key_mismatch');
    expect(e.message).toContain('SHA256:old');
    expect(e.message).toContain('SHA256:new');
    expect(e.message).toMatch(/changed/);
    expect(e.message).toMatch(/forget host key/);
  });

  it('backoff says when to retry (whole seconds, rounded up) and keeps the last failure as cause', () => {
    const last = new SshConnectError(ctx, 'refused', 'connection refused');
    const e = new SshBackoffError(ctx, 4_200, last);
    expect(e.message).toMatch(/retry after 5 s/);
    expect(e.cause).toBe(last);
    expect(e.retryAfterMs).toBe(4_200);
  });
});
