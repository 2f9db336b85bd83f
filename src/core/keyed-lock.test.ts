import { describe, expect, it } from 'vitest';
import { KeyedLock } from './keyed-lock.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('KeyedLock', () => {
  it('runs work on the same key one after the other, in arrival order', async () => {
    const lock = new KeyedLock();
    const log: string[] = [];
    const job = (name: string, ms: number) =>
      lock.run('c1', async () => {
        log.push(`${name}:start`);
        await sleep(ms);
        log.push(`${name}:end`);
      });
    await Promise.all([job('a', 30), job('b', 5), job('c', 1)]);
    expect(log).toEqual(['a:start', 'a:end', 'b:start', 'b:end', 'c:start', 'c:end']);
    expect(lock.isLocked('c1')).toBe(false);
  });

  it('lets different keys run at the same time and survives a failing job', async () => {
    const lock = new KeyedLock();
    const log: string[] = [];
    const failing = lock.run('x', async () => {
      log.push('x');
      await sleep(20);
      throw new Error('boom');
    });
    const other = lock.run('y', async () => log.push('y'));
    const after = lock.run('x', async () => log.push('x2'));
    await expect(failing).rejects.toThrow('boom');
    await other;
    await after;
    expect(log).toEqual(['x', 'y', 'x2']);
  });
});
