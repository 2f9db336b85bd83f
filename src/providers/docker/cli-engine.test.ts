/**
 * The CLI engine on answers captured from the real CLI (test/fixtures/docker, see its README), replayed by a transport
 * that prints them: what a damaged or daemon-less answer becomes. The same engine on a real dockerd is tested in
 * local-transport.test.ts.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { ExecResult } from '../../ssh/types.js';
import { CliEngine, stderrKind } from './cli-engine.js';
import { EngineError } from './engine.js';
import type { CommandTransport } from './transports.js';

const fixture = (name: string) => readFileSync(new URL(`../../../test/fixtures/docker/${name}`, import.meta.url), 'utf8');

/** Answers every command with one captured output. */
function replay(out: Partial<ExecResult>): CommandTransport {
  return {
    exec: async () => ({ stdout: '', stderr: '', code: 0, signal: null, durationMs: 1, ...out }),
    stream: async () => ({ close() {} }),
  };
}

const engine = (out: Partial<ExecResult>) => new CliEngine(replay(out), { execTimeoutMs: 1000 });

describe('CliEngine on captured answers', () => {
  it('a damaged collection keeps every readable section and says which lines it could not read', async () => {
    const snap = await engine({ stdout: fixture('collect-corrupted.txt') }).snapshot({ inspect: 'all' });
    expect(snap.containers.length).toBeGreaterThan(0);
    expect(snap.errors.length).toBeGreaterThan(0);
    expect(snap.daemon_error).toBeNull();
  });

  it('a daemon that does not answer is a daemon_error in the snapshot, not a thrown error', async () => {
    const snap = await engine({ stdout: fixture('collect-daemon-down.txt') }).snapshot({ inspect: 'all' });
    expect(snap.daemon_error).toMatch(/Cannot connect to the Docker daemon/);
  });

  it('an inspect that exits 0 with nothing readable is bad_output, not a missing container', async () => {
    const err = await engine({ stdout: '{"Id": "abc", truncated' }).inspect(['abc']).catch((e) => e);
    expect(err).toBeInstanceOf(EngineError);
    expect(err.kind).toBe('bad_output');
  });

  it("reads docker's stderr into kinds, the daemon's words first", () => {
    expect(stderrKind('Error response from daemon: No such container: web')).toBe('not_found');
    expect(stderrKind('Error: No such object: web')).toBe('not_found');
    expect(stderrKind('Cannot connect to the Docker daemon at unix:///run/docker.sock. Is the docker daemon running?')).toBe('daemon_down');
    expect(stderrKind('Error response from daemon: Container 3f1c is not running')).toBe('conflict');
    expect(stderrKind('Error response from daemon: Container 3f1c is already paused')).toBe('conflict');
    expect(stderrKind('Error response from daemon: driver failed programming external connectivity')).toBe('failed');
  });
});
