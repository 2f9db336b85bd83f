// Machine-wide preparation shared by every lab under one root: root check, the `automation` user, the client key,
// the busybox image tarball. All idempotent and safe when two labs start at once.
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync, chmodSync, copyFileSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { join } from 'node:path';
import { LabError, must, run } from './run.js';

export function assertRoot(): void {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) {
    throw new LabError(
      'the test lab must run as root: it starts dockerd and sshd, creates the `automation` user and uses iptables ' +
        '(run the tests as root, e.g. in the CI container or with sudo)',
    );
  }
}

/** The group passed to dockerd --group; `automation` is a member so SSH sessions can use the socket. */
export const DOCKER_GROUP = 'docker';

export async function ensureUser(user: string): Promise<void> {
  if ((await run('getent', ['group', DOCKER_GROUP])).code !== 0) await must('groupadd', ['--system', DOCKER_GROUP]);
  const passwd = await run('getent', ['passwd', user]);
  if (passwd.code !== 0) {
    const shell = existsSync('/bin/bash') ? '/bin/bash' : '/bin/sh';
    const made = await run('useradd', ['--create-home', '--shell', shell, '--groups', DOCKER_GROUP, user]);
    // Another lab may have created it meanwhile (exit 9: already exists).
    if (made.code !== 0 && made.code !== 9) throw new LabError(`useradd ${user} failed: ${made.stderr.trim()}`);
  }
  const groups = await must('id', ['-nG', user]);
  if (!groups.split(/\s+/).includes(DOCKER_GROUP)) await must('usermod', ['-aG', DOCKER_GROUP, user]);
  // With UsePAM no, sshd refuses a locked account ("!"): "*" means no password but not locked.
  const shadow = await run('getent', ['shadow', user]);
  const pw = shadow.stdout.split(':')[1] ?? '';
  if (pw !== '*') await must('usermod', ['-p', '*', user]);
  const home = passwd.stdout.split(':')[5] || `/home/${user}`;
  if (!existsSync(home)) {
    mkdirSync(home, { recursive: true });
    await must('chown', [`${user}:`, home]);
  }
}

export interface ClientKey {
  path: string;
  publicKey: string;
  authorizedKeysPath: string;
}

/** One client key per lab root, made once and reused (benches and tests can share it). */
export async function ensureClientKey(root: string): Promise<ClientKey> {
  const dir = join(root, 'keys');
  const path = join(dir, 'client_ed25519');
  const authorizedKeysPath = join(dir, 'authorized_keys');
  if (!existsSync(authorizedKeysPath)) {
    // Made in a directory of its own, then renamed into place in one step: two labs starting at once on a fresh
    // machine never end up with one's private key beside the other's public key. The loser's rename fails.
    mkdirSync(root, { recursive: true });
    const tmp = join(root, `keys-${process.pid}-${Date.now()}`);
    mkdirSync(tmp);
    await must('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'homelab-lab-client', '-f', join(tmp, 'client_ed25519')]);
    copyFileSync(join(tmp, 'client_ed25519.pub'), join(tmp, 'authorized_keys'));
    try {
      renameSync(tmp, dir);
    } catch {
      rmSync(tmp, { recursive: true, force: true });
    }
  }
  chmodSync(path, 0o600);
  return { path, publicKey: readFileSync(`${path}.pub`, 'utf8').trim(), authorizedKeysPath };
}

/**
 * Builds (once per root) a tarball of a minimal root filesystem from busybox-static: /bin/busybox plus one symlink
 * per applet, a web root and passwd/group. `docker import` of it gives the lab image without any registry.
 */
export async function ensureImageTar(root: string): Promise<string> {
  const tar = join(root, 'image', 'busybox-rootfs.tar');
  if (existsSync(tar)) return tar;
  const busybox = ['/bin/busybox', '/usr/bin/busybox'].find((p) => existsSync(p));
  if (!busybox) throw new LabError('busybox not found: install the busybox-static package');
  const work = join(root, 'image', `rootfs-${process.pid}-${Date.now()}`);
  for (const d of ['bin', 'etc', 'tmp', 'www', 'proc', 'sys', 'dev', 'root', 'var/log']) mkdirSync(join(work, d), { recursive: true });
  copyFileSync(busybox, join(work, 'bin', 'busybox'));
  chmodSync(join(work, 'bin', 'busybox'), 0o755);
  chmodSync(join(work, 'tmp'), 0o1777);
  const applets = (await must(busybox, ['--list'])).split('\n').map((s) => s.trim()).filter((s) => s && s !== 'busybox');
  for (const a of applets) symlinkSync('busybox', join(work, 'bin', a));
  writeFileSync(join(work, 'www', 'index.html'), '<h1>homelab lab web</h1>\n');
  writeFileSync(join(work, 'etc', 'passwd'), 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n');
  writeFileSync(join(work, 'etc', 'group'), 'root:x:0:\nnogroup:x:65534:\n');
  const tmpTar = `${tar}.${process.pid}.tmp`;
  await must('tar', ['--numeric-owner', '--owner=0', '--group=0', '-C', work, '-cf', tmpTar, '.']);
  renameSync(tmpTar, tar);
  rmSync(work, { recursive: true, force: true });
  return tar;
}

/** True when nothing answers a TCP connect on address:port (quick: loopback refuses at once). */
export function portClosed(address: string, port: number, timeoutMs = 1_000): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = createConnection({ host: address, port });
    const done = (closed: boolean) => {
      sock.destroy();
      resolve(closed);
    };
    sock.setTimeout(timeoutMs, () => done(false)); // a silent (hung) listener is not ours to take
    sock.once('connect', () => done(false));
    sock.once('error', (err: NodeJS.ErrnoException) => done(err.code === 'ECONNREFUSED'));
  });
}

/** True when we could bind address:port right now (nobody else's listener is on it). */
export function portBindable(address: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, address, () => srv.close(() => resolve(true)));
  });
}

/** Reads the first line an SSH server sends ("SSH-2.0-..."); rejects on refusal or silence. */
export function sshBanner(address: string, port: number, timeoutMs = 2_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const sock = createConnection({ host: address, port });
    let buf = '';
    const finish = (err: Error | null, banner?: string) => {
      sock.destroy();
      if (err) reject(err);
      else resolve(banner ?? '');
    };
    sock.setTimeout(timeoutMs, () => finish(new LabError(`no SSH banner from ${address}:${port} within ${timeoutMs} ms`)));
    sock.on('data', (d) => {
      buf += d.toString('latin1');
      const nl = buf.indexOf('\n');
      if (nl >= 0) finish(null, buf.slice(0, nl).trim());
    });
    sock.once('error', (err) => finish(err));
  });
}
