// Runs a baseline command (the "floor", the "direct" docker call) in a session of its own.
//
// Why: this kernel has autogroup scheduling on (/proc/sys/kernel/sched_autogroup_enabled = 1): CPU is shared
// between sessions first. Every SSH session is a new session (sshd calls setsid), so commands that come in over SSH
// get their own share, while a child spawned by the bench would share the bench's single share with the bench's own
// node process. On a busy machine that made the SSH path look faster than the no-SSH floor. setsid() here puts the
// baseline on the same footing as an sshd session.
import { spawn } from 'node:child_process';

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function runInOwnSession(cmd: string, args: string[], env: Record<string, string>, timeoutMs = 30_000): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env: { ...process.env, ...env }, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d));
    child.stderr.on('data', (d: Buffer) => (stderr += d));
    // detached: the child leads its own process group, so the deadline kills the whole group (sh and its docker).
    const timer = setTimeout(() => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        /* already gone */
      }
      reject(new Error(`${cmd} ${args.join(' ').slice(0, 60)}: no answer within ${timeoutMs} ms`));
    }, timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}
