// The SSH pool against real OpenSSH servers of the lab (test/lab): one connection per host, channels multiplexed on
// it, deadlines that tear the connection down, host-key pinning, backoff. Tests that break sshd or make a host hang
// use a private lab (index 30+) so the shared lab stays healthy for the other files.
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  SshAuthError,
  SshBackoffError,
  SshConnectError,
  SshHostKeyMismatchError,
  SshPool,
  SshTimeoutError,
  type SshLogger,
  type SshPoolOptions,
  type SshTarget,
} from '../../src/ssh/index.js';
import { LAB_USER, sharedLab, startLab, type Lab, type LabHost } from '../lab/index.js';

interface LogEntry {
  level: string;
  obj: object;
  msg?: string;
}

function recordingLogger(into: LogEntry[]): SshLogger {
  const at = (level: string) => (obj: object, msg?: string) => void into.push({ level, obj, msg });
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

function targetOf(host: LabHost, hostId: number, pinnedFingerprint: string | null = null): SshTarget {
  return { hostId, host: host.address, port: host.port, username: LAB_USER, pinnedFingerprint };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitFor(cond: () => Promise<boolean> | boolean, timeoutMs: number): Promise<boolean> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (await cond()) return true;
    await sleep(100);
  }
  return cond();
}

describe('SSH pool on the shared lab', () => {
  let lab: Lab;
  let key: Buffer;
  const pools: SshPool[] = [];
  const newPool = (extra: Partial<SshPoolOptions> = {}): SshPool => {
    const p = new SshPool({ privateKey: key, ...extra });
    pools.push(p);
    return p;
  };

  beforeAll(() => {
    lab = sharedLab();
    key = readFileSync(lab.clientKeyPath);
  });
  afterAll(async () => {
    await Promise.all(pools.map((p) => p.close()));
  });

  it('returns stdout, stderr and a non-zero exit code separately, without treating the exit as an error', async () => {
    const pool = newPool();
    const r = await pool.exec(targetOf(lab.hosts[0], 101), 'echo to-out; echo to-err >&2; exit 3');
    expect(r).toMatchObject({ stdout: 'to-out\n', stderr: 'to-err\n', code: 3, signal: null });
    expect(r.durationMs).toBeGreaterThanOrEqual(0);
  });

  it('runs on the host itself: its hostname and the DOCKER_HOST its sshd sets', async () => {
    const pool = newPool();
    const r = await pool.exec(targetOf(lab.hosts[0], 102), 'hostname; echo "$DOCKER_HOST"; docker info --format "{{.Name}}"');
    expect(r.stdout.split('\n').slice(0, 3)).toEqual([lab.hosts[0].name, lab.hosts[0].dockerHost, lab.hosts[0].name]);
  });

  it('feeds stdin to the command and closes it', async () => {
    const pool = newPool();
    const r = await pool.exec(targetOf(lab.hosts[0], 103), 'wc -c; cat', { stdin: 'hello\n' });
    expect(r.stdout.trim()).toBe('6');
  });

  it('runs 20 concurrent commands over one connection, each with its own result', async () => {
    const pool = newPool();
    const t = targetOf(lab.hosts[0], 104);
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => pool.exec(t, `sleep 0.2; echo out${i}; echo err${i} >&2; echo "ppid $PPID"; exit ${i % 4}`)),
    );
    expect(pool.stats().connections).toBe(1);
    results.forEach((r, i) => {
      expect(r.stdout.split('\n')[0]).toBe(`out${i}`);
      expect(r.stderr).toBe(`err${i}\n`);
      expect(r.code).toBe(i % 4);
    });
    // The parent of every shell is the sshd process of a single connection.
    const parents = new Set(results.map((r) => r.stdout.split('\n')[1]));
    expect(parents.size).toBe(1);
    expect(pool.stats().channels).toBe(0);
  });

  it('queues commands beyond the server MaxSessions (64) instead of failing them', async () => {
    const logs: LogEntry[] = [];
    const pool = newPool({ logger: recordingLogger(logs) });
    const t = targetOf(lab.hosts[1], 105);
    const results = await Promise.all(Array.from({ length: 90 }, (_, i) => pool.exec(t, `sleep 0.5; echo ${i}`, { timeoutMs: 30_000 })));
    expect(results.map((r) => r.stdout.trim())).toEqual(Array.from({ length: 90 }, (_, i) => String(i)));
    expect(results.every((r) => r.code === 0)).toBe(true);
    expect(pool.stats().connections).toBe(1);
    // The server did refuse channels (so the queue was exercised), and the pool learned its limit.
    const refusals = logs.filter((l) => l.msg === 'ssh channel refused; waiting for a free one');
    expect(refusals.length).toBeGreaterThan(0);
    expect(refusals.at(-1)?.obj).toMatchObject({ limit: 64 });
  });

  it('shares one connect between concurrent first callers', async () => {
    const logs: LogEntry[] = [];
    const pool = newPool({ logger: recordingLogger(logs) });
    const t = targetOf(lab.hosts[2], 106);
    await Promise.all(Array.from({ length: 5 }, () => pool.exec(t, 'true')));
    expect(logs.filter((l) => l.msg === 'ssh connected')).toHaveLength(1);
  });

  it('pins the host key on first contact: the fingerprint is the one ssh-keygen shows for the host key', async () => {
    const pinned: Array<[SshTarget, string]> = [];
    const pool = newPool({ onHostKeyPinned: (t, fp) => void pinned.push([t, fp]) });
    const host = lab.hosts[1];
    const t = targetOf(host, 107);
    const res = await pool.check(t);
    const expected = await host.hostKeyFingerprint();
    expect(res.fingerprint).toBe(expected);
    expect(res.uname).toMatch(new RegExp(`^Linux ${host.name} `));
    expect(pinned).toEqual([[t, expected]]);
    expect(pool.fingerprint(t)).toBe(expected);
    // Using the now-pinned target keeps the same connection and does not pin again.
    const ppid1 = (await pool.exec(t, 'echo $PPID')).stdout;
    const ppid2 = (await pool.exec({ ...t, pinnedFingerprint: expected }, 'echo $PPID')).stdout;
    expect(ppid2).toBe(ppid1);
    expect(pinned).toHaveLength(1);
  });

  it('negotiates curve25519-sha256 with an ed25519 host key, and logs neither the key nor command output', async () => {
    const logs: LogEntry[] = [];
    const pool = newPool({ logger: recordingLogger(logs) });
    const marker = `secret-output-${randomUUID()}`;
    const r = await pool.exec(targetOf(lab.hosts[0], 108), `echo ${marker}; echo ${marker} >&2`);
    expect(r.stdout).toContain(marker);
    const handshake = logs.find((l) => l.msg === 'ssh handshake');
    expect(handshake?.obj).toMatchObject({ kex: 'curve25519-sha256', hostKey: 'ssh-ed25519' });
    const done = logs.find((l) => l.msg === 'ssh exec done');
    expect(done?.obj).toMatchObject({ host: lab.hosts[0].address, code: 0 });
    const all = JSON.stringify(logs);
    expect(all).not.toContain(marker);
    expect(all).not.toContain('PRIVATE KEY');
    expect(all).not.toContain(key.toString('utf8').split('\n')[1]);
  });

  it('on an exec timeout rejects with SshTimeoutError, drops the connection, and re-dials on the next call', async () => {
    const pool = newPool();
    const t = targetOf(lab.hosts[2], 109);
    const before = (await pool.exec(t, 'echo $PPID')).stdout;
    const pidFile = `/tmp/ssh-pool-timeout-${randomUUID()}.pid`;
    const started = Date.now();
    const err = await pool.exec(t, `echo $$ > ${pidFile}; exec sleep 30`, { timeoutMs: 1000 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SshTimeoutError);
    expect(err).toMatchObject({ code: 'ssh_timeout', phase: 'exec', timeoutMs: 1000, hostId: 109 });
    expect((err as Error).message).toMatch(/timed out after 1000 ms/);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(pool.stats().connections).toBe(0);
    const after = await pool.exec(t, 'echo $PPID');
    expect(after.code).toBe(0);
    expect(after.stdout).not.toBe(before); // another sshd session process: a new connection
    expect(pool.stats().connections).toBe(1);
    // The timed-out command was killed, not left running on the host.
    const pid = (await pool.exec(t, `cat ${pidFile}; rm -f ${pidFile}`)).stdout.trim();
    expect(pid).toMatch(/^\d+$/);
    expect(await waitFor(async () => (await pool.exec(t, `kill -0 ${pid} 2>/dev/null`)).code !== 0, 5_000)).toBe(true);
  });

  it('other commands on a connection torn down by a timeout fail with a clear error and are stopped', async () => {
    const pool = newPool();
    const t = targetOf(lab.hosts[2], 110);
    const pidFile = `/tmp/ssh-pool-other-${randomUUID()}.pid`;
    const long = pool.exec(t, `echo $$ > ${pidFile}; exec sleep 20`, { timeoutMs: 25_000 }).catch((e: unknown) => e);
    await sleep(300);
    await pool.exec(t, 'sleep 20', { timeoutMs: 500 }).catch(() => undefined);
    const err = (await long) as Error & { code: string };
    expect(err.code).toBe('ssh_channel_failed');
    expect(err.message).toMatch(/lost/);
    expect(err.message).toMatch(/timed out/);
    // Its command was stopped too rather than left running on the host.
    const pid = (await pool.exec(t, `cat ${pidFile}; rm -f ${pidFile}`)).stdout.trim();
    expect(pid).toMatch(/^\d+$/);
    expect(await waitFor(async () => (await pool.exec(t, `kill -0 ${pid} 2>/dev/null`)).code !== 0, 5_000)).toBe(true);
  });

  it('replaces the connection when the target of a host changes (address edited)', async () => {
    const pool = newPool();
    const a = await pool.exec(targetOf(lab.hosts[0], 111), 'hostname');
    const b = await pool.exec(targetOf(lab.hosts[1], 111), 'hostname');
    expect(a.stdout.trim()).toBe(lab.hosts[0].name);
    expect(b.stdout.trim()).toBe(lab.hosts[1].name);
    expect(pool.stats().connections).toBe(1);
  });

  it('invalidate() closes the connection of that host only', async () => {
    const pool = newPool();
    await pool.exec(targetOf(lab.hosts[0], 112), 'true');
    await pool.exec(targetOf(lab.hosts[1], 113), 'true');
    expect(pool.stats().connections).toBe(2);
    pool.invalidate(112);
    expect(pool.stats().connections).toBe(1);
    expect(pool.fingerprint({ hostId: 112 })).toBeNull();
    expect(pool.fingerprint({ hostId: 113 })).toBe(await lab.hosts[1].hostKeyFingerprint());
  });

  it('rejects a user the host does not accept with SshAuthError', async () => {
    const pool = newPool();
    const err = await pool.exec({ ...targetOf(lab.hosts[0], 114), username: 'nobody' }, 'true').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SshAuthError);
    expect(err).toMatchObject({ code: 'ssh_auth_failed' });
    expect((err as Error).message).toContain('nobody@');
  });

  it('stream() delivers lines as they come, and close() ends the remote process', async () => {
    const pool = newPool();
    const t = targetOf(lab.hosts[0], 115);
    const lines: Array<{ line: string; at: number }> = [];
    const errLines: string[] = [];
    const closes: Array<[number | null, Error | undefined]> = [];
    const handle = await pool.stream(t, 'echo "pid $$"; i=0; while :; do i=$((i+1)); echo "tick $i"; echo "warn $i" >&2; sleep 0.3; done', {
      onStdoutLine: (line) => lines.push({ line, at: Date.now() }),
      onStderrLine: (line) => errLines.push(line),
      onClose: (code, err) => void closes.push([code, err]),
    });
    expect(await waitFor(() => lines.length >= 5, 10_000)).toBe(true);
    expect(lines[0].line).toMatch(/^pid \d+$/);
    expect(lines.slice(1, 5).map((l) => l.line)).toEqual(['tick 1', 'tick 2', 'tick 3', 'tick 4']);
    expect(lines[4].at - lines[1].at).toBeGreaterThanOrEqual(500); // arrived over time, not at the end
    expect(errLines[0]).toBe('warn 1');
    expect(closes).toEqual([]);
    expect(pool.stats().channels).toBe(1);

    const pid = lines[0].line.split(' ')[1];
    const alive = async () => (await pool.exec(t, `kill -0 ${pid} 2>/dev/null`)).code === 0;
    expect(await alive()).toBe(true);
    handle.close();
    expect(await waitFor(async () => !(await alive()), 5_000)).toBe(true);
    const count = lines.length;
    await sleep(700);
    expect(lines.length).toBe(count); // nothing delivered after close
    expect(closes).toEqual([[null, undefined]]);
    expect(pool.stats().channels).toBe(0);
    handle.close(); // idempotent
    expect(closes).toHaveLength(1);
  });

  it('stream close() also ends a command that never writes (it would not notice the closed channel by itself)', async () => {
    const pool = newPool();
    const t = targetOf(lab.hosts[0], 119);
    let first = '';
    const handle = await pool.stream(t, 'echo "pid $$"; exec sleep 600', { onStdoutLine: (l) => (first ||= l) });
    expect(await waitFor(() => first !== '', 5_000)).toBe(true);
    const pid = first.split(' ')[1];
    const alive = async () => (await pool.exec(t, `kill -0 ${pid} 2>/dev/null`)).code === 0;
    expect(await alive()).toBe(true);
    handle.close();
    expect(await waitFor(async () => !(await alive()), 5_000)).toBe(true);
  });

  it('invalidate() and close() stop the commands still running on the connection', async () => {
    const pool = newPool();
    const t = targetOf(lab.hosts[1], 120);
    const checker = newPool();
    const pids: string[] = [];
    const closes: Array<Error | undefined> = [];
    for (const p of [pool, pool]) {
      let first = '';
      await p.stream(t, 'echo "pid $$"; exec sleep 600', { onStdoutLine: (l) => (first ||= l), onClose: (_c, err) => void closes.push(err) });
      expect(await waitFor(() => first !== '', 5_000)).toBe(true);
      pids.push(first.split(' ')[1]);
      if (pids.length === 1) pool.invalidate(120);
    }
    await pool.close();
    const alive = async (pid: string) => (await checker.exec(t, `kill -0 ${pid} 2>/dev/null`)).code === 0;
    for (const pid of pids) expect(await waitFor(async () => !(await alive(pid)), 5_000)).toBe(true);
    expect(closes).toHaveLength(2);
    expect(closes[0]?.message).toMatch(/invalidated/);
  });

  it('stream() reports the exit code when the command ends by itself', async () => {
    const pool = newPool();
    const lines: string[] = [];
    const closed = new Promise<[number | null, Error | undefined]>((resolve) => {
      void pool.stream(targetOf(lab.hosts[0], 116), 'echo a; echo b; printf c; exit 2', {
        onStdoutLine: (l) => lines.push(l),
        onClose: (code, err) => resolve([code, err]),
      });
    });
    expect(await closed).toEqual([2, undefined]);
    expect(lines).toEqual(['a', 'b', 'c']);
  });

  it('stops a command whose output exceeds maxOutputBytes and keeps the connection usable', async () => {
    const pool = newPool();
    const t = targetOf(lab.hosts[0], 117);
    const err = await pool.exec(t, 'head -c 200000 /dev/zero', { maxOutputBytes: 10_000 }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'ssh_output_too_large', limitBytes: 10_000 });
    expect((await pool.exec(t, 'echo ok')).stdout).toBe('ok\n');
  });

  it('rejects calls after close()', async () => {
    const pool = new SshPool({ privateKey: key });
    await pool.exec(targetOf(lab.hosts[0], 118), 'true');
    await pool.close();
    expect(pool.stats().connections).toBe(0);
    await expect(pool.exec(targetOf(lab.hosts[0], 118), 'true')).rejects.toBeInstanceOf(SshConnectError);
  });
});

describe('SSH pool against broken hosts (private lab)', () => {
  let lab: Lab;
  let key: Buffer;
  const pools: SshPool[] = [];
  const newPool = (extra: Partial<SshPoolOptions> = {}): SshPool => {
    const p = new SshPool({ privateKey: key, ...extra });
    pools.push(p);
    return p;
  };

  beforeAll(async () => {
    lab = await startLab({ hosts: 3, firstIndex: 30, seed: false });
    key = readFileSync(lab.clientKeyPath);
  });
  afterAll(async () => {
    await Promise.all(pools.map((p) => p.close()));
    await lab?.stop();
  });

  it('refuses a host whose key changed, runs nothing on it, and pins the new key once the pin is cleared', async () => {
    const host = lab.hosts[0];
    const pinned: string[] = [];
    const pool = newPool({ onHostKeyPinned: (_t, fp) => void pinned.push(fp) });
    const first = await pool.check(targetOf(host, 201));
    const oldFp = await host.hostKeyFingerprint();
    expect(first.fingerprint).toBe(oldFp);
    expect(pinned).toEqual([oldFp]);

    await host.regenerateHostKey();
    const newFp = await host.hostKeyFingerprint();
    expect(newFp).not.toBe(oldFp);
    pool.invalidate(201); // the open connection would otherwise keep working with the old key

    const marker = `/tmp/ssh-pool-must-not-exist-${randomUUID()}`;
    const err = await pool.exec(targetOf(host, 201, oldFp), `touch ${marker}`).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SshHostKeyMismatchError);
    expect(err).toMatchObject({ code: 'ssh_host_key_mismatch', expected: oldFp, actual: newFp, hostId: 201 });
    expect((err as Error).message).toMatch(/host key .* changed/i);
    expect((err as Error).message).toMatch(/forget host key/);
    expect(pool.stats().connections).toBe(0);
    await sleep(300);
    expect(existsSync(marker)).toBe(false);

    // A user check also refuses it, even within the backoff window...
    await expect(pool.check(targetOf(host, 201, oldFp))).rejects.toBeInstanceOf(SshHostKeyMismatchError);
    // ...and after "forget host key" (pin cleared) the next check pins the new key.
    const again = await pool.check(targetOf(host, 201, null));
    expect(again.fingerprint).toBe(newFp);
    expect(pinned).toEqual([oldFp, newFp]);
  });

  it('sshd stopped: SshConnectError at once, then SshBackoffError within the window; check() retries anyway', async () => {
    const host = lab.hosts[1];
    const pool = newPool({ connectTimeoutMs: 5_000 });
    const t = targetOf(host, 202);
    await host.stopSshd();
    try {
      const started = Date.now();
      const err = await pool.exec(t, 'true').catch((e: unknown) => e);
      expect(err).toBeInstanceOf(SshConnectError);
      expect(err).toMatchObject({ code: 'ssh_connect_failed', reason: 'refused' });
      expect((err as Error).message).toMatch(/refused/);
      expect(Date.now() - started).toBeLessThan(4_000); // refused, not waiting for the connect deadline

      const blocked = await pool.exec(t, 'true').catch((e: unknown) => e);
      expect(blocked).toBeInstanceOf(SshBackoffError);
      expect(blocked).toMatchObject({ code: 'ssh_backoff' });
      expect((blocked as SshBackoffError).retryAfterMs).toBeGreaterThan(0);
      expect((blocked as SshBackoffError).retryAfterMs).toBeLessThanOrEqual(5_000);
      expect((blocked as Error).cause).toBeInstanceOf(SshConnectError);
      expect((blocked as Error).message).toMatch(/retry after [1-5] s/);

      // An explicit check bypasses the window but its failure still counts: the window grows to 10 s.
      await expect(pool.check(t)).rejects.toBeInstanceOf(SshConnectError);
      const longer = (await pool.exec(t, 'true').catch((e: unknown) => e)) as SshBackoffError;
      expect(longer).toBeInstanceOf(SshBackoffError);
      expect(longer.retryAfterMs).toBeGreaterThan(5_000);
    } finally {
      await host.startSshd();
    }
    // The user fixed the host and checks it: connects at once, and the success resets the backoff.
    const ok = await pool.check(t);
    expect(ok.uname).toContain(host.name);
    expect((await pool.exec(t, 'echo back')).stdout).toBe('back\n');
  });

  it('an open connection survives an sshd restart (sessions are separate processes)', async () => {
    const host = lab.hosts[1];
    const pool = newPool();
    const t = targetOf(host, 203);
    const before = (await pool.exec(t, 'echo $PPID')).stdout;
    await host.stopSshd();
    try {
      expect((await pool.exec(t, 'echo $PPID')).stdout).toBe(before);
    } finally {
      await host.startSshd();
    }
  });

  it('a hanging host: connect gives up at connectTimeoutMs with SshTimeoutError', async () => {
    const host = lab.hosts[2];
    const pool = newPool({ connectTimeoutMs: 1_500 });
    await host.hang();
    try {
      const started = Date.now();
      const err = await pool.exec(targetOf(host, 204), 'true').catch((e: unknown) => e);
      const elapsed = Date.now() - started;
      expect(err).toBeInstanceOf(SshTimeoutError);
      expect(err).toMatchObject({ code: 'ssh_timeout', phase: 'connect', timeoutMs: 1_500 });
      expect((err as Error).message).toMatch(/connect to .* timed out after 1500 ms/);
      expect(elapsed).toBeGreaterThanOrEqual(1_400);
      expect(elapsed).toBeLessThan(5_000);
      expect(pool.stats().connections).toBe(0);
    } finally {
      await host.unhang();
    }
  });

  it('a host that hangs under an open connection: the exec deadline tears it down, the next call re-dials', async () => {
    const host = lab.hosts[2];
    const pool = newPool({ connectTimeoutMs: 1_500 });
    const t = targetOf(host, 205);
    await pool.exec(t, 'true');
    await host.hang();
    try {
      const err = await pool.exec(t, 'echo hi', { timeoutMs: 1_000 }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(SshTimeoutError);
      expect(err).toMatchObject({ phase: 'exec' });
      expect(pool.stats().connections).toBe(0);
    } finally {
      await host.unhang();
    }
    expect((await pool.exec(t, 'echo hi')).stdout).toBe('hi\n');
  });

  it('keepalive notices a dead peer under an idle stream: the stream closes with an error, the connection is dropped', async () => {
    const host = lab.hosts[2];
    const pool = newPool({ keepaliveIntervalMs: 300, connectTimeoutMs: 1_500 });
    const t = targetOf(host, 206);
    const closed = new Promise<[number | null, Error | undefined]>((resolve) => {
      void pool.stream(t, 'sleep 600', { onClose: (code, err) => resolve([code, err]) });
    });
    expect(await waitFor(() => pool.stats().channels === 1, 5_000)).toBe(true);
    await host.hang();
    try {
      const [code, err] = await closed;
      expect(code).toBeNull();
      expect(err).toMatchObject({ code: 'ssh_channel_failed' });
      expect(err?.message).toMatch(/lost.*keepalive/i);
      expect(pool.stats()).toEqual({ connections: 0, channels: 0 });
    } finally {
      await host.unhang();
    }
  });
});
