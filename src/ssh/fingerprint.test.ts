import { describe, expect, it } from 'vitest';
import { fingerprintOfPublicKeyLine, normalizeFingerprint, sshFingerprint } from './fingerprint.js';

// Both keys generated with ssh-keygen on this machine; the expected values are what `ssh-keygen -lf key.pub` printed.
const ED25519 = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIC/LQ86mqj+3L4ahAOvE3ImQuGyoYS+5buL0k0wU2Pvs root@vm';
const ED25519_FP = 'SHA256:AT3e5oSPxmXJg8rZgJ2hlpE/YX37T/O8Z3kS2BO2aeY';
const RSA =
  'ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAAAgQDGiUdIvXHeL/s2Tc9+Phisgo2G/FrnKXZeURUYvXj4jrWyhgMnpzHoo3WVSjWAymtLclL6UgwNa4XbOsScN0SCx59xWyZKD3/Qg2UqXC0xu7rP14hEWhcmbTQBme93sYNla2a84RcH7JQB0158mqVeFh4l7LzdZyWoesF6BI9gcw== root@vm';
const RSA_FP = 'SHA256:hV7N/wnkQ9R38XXOAnLRN9VgB02AOHykXMDxg4LjZIk';

describe('ssh fingerprints', () => {
  it('prints the same fingerprint as ssh-keygen -lf for an ed25519 key', () => {
    expect(fingerprintOfPublicKeyLine(ED25519)).toBe(ED25519_FP);
  });

  it('prints the same fingerprint as ssh-keygen -lf for an RSA key', () => {
    expect(fingerprintOfPublicKeyLine(RSA)).toBe(RSA_FP);
  });

  it('hashes the raw key blob that ssh2 hands to the host verifier, without base64 padding', () => {
    const blob = Buffer.from(ED25519.split(' ')[1], 'base64');
    const fp = sshFingerprint(blob);
    expect(fp).toBe(ED25519_FP);
    expect(fp).not.toContain('=');
    expect(fp).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
  });

  it('rejects a line that is not a public key', () => {
    expect(() => fingerprintOfPublicKeyLine('garbage')).toThrow(/not an OpenSSH public key/);
  });

  it('accepts a pasted pin with padding, spaces or no prefix as the same fingerprint', () => {
    expect(normalizeFingerprint(` ${ED25519_FP}= `)).toBe(ED25519_FP);
    expect(normalizeFingerprint(ED25519_FP.slice('SHA256:'.length))).toBe(ED25519_FP);
  });
});
