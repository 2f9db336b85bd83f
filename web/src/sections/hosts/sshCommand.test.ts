import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { authorizeCommand, safeKey } from './sshCommand';

const KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGq0oZ3N1bW1hcnkrc2VjcmV0K2tleStoZXJlKzEyMzQ homelab-dashboard@nas';

describe('authorize command', () => {
  it('is valid shell, outside and inside the sudo sh -c', () => {
    const cmd = authorizeCommand('automation', KEY);
    execFileSync('sh', ['-n', '-c', cmd]); // throws on a syntax error
    const inner = cmd.slice("sudo sh -c '".length, -1);
    execFileSync('sh', ['-n', '-c', inner]);
    expect(cmd).toContain(`grep -qxF "${KEY}"`);
    expect(cmd).toContain('usermod -aG docker automation');
    expect(cmd).toContain('chmod 600');
  });

  it('appends the key once, with the right modes, when run against a home directory', () => {
    // Run the file-handling part for real in a temp dir (no sudo, no useradd here).
    const dir = execFileSync('mktemp', ['-d']).toString().trim();
    const f = `${dir}/.ssh/authorized_keys`;
    const script = `mkdir -p -m 700 "${dir}/.ssh"; grep -qxF "${safeKey(KEY)}" "${f}" 2>/dev/null || echo "${safeKey(KEY)}" >> "${f}"; chmod 600 "${f}"`;
    expect(authorizeCommand('automation', KEY)).toContain(`grep -qxF "${safeKey(KEY)}" "$H/.ssh/authorized_keys" 2>/dev/null || echo "${safeKey(KEY)}" >> "$H/.ssh/authorized_keys"`);
    execFileSync('sh', ['-c', script]);
    execFileSync('sh', ['-c', script]);
    expect(execFileSync('cat', [f]).toString()).toBe(`${KEY}\n`);
    expect(execFileSync('stat', ['-c', '%a', f]).toString().trim()).toBe('600');
    execFileSync('rm', ['-rf', dir]);
  });

  it('cannot be turned into another command by a hostile key or user name', () => {
    const cmd = authorizeCommand("x; rm -rf /", `ssh-ed25519 AAAA'"$(reboot)\`id\` x`);
    expect(cmd).not.toMatch(/reboot\)|`id`|rm -rf/);
    expect(cmd).toContain('automation'); // invalid user name falls back to the default
    execFileSync('sh', ['-n', '-c', cmd]);
  });
});
