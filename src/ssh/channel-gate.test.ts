import { describe, expect, it } from 'vitest';
import { ChannelGate } from './channel-gate.js';

const tick = () => new Promise((r) => setImmediate(r));

describe('channel gate (server session limit)', () => {
  it('lets everything through until the server refuses', async () => {
    const g = new ChannelGate();
    for (let i = 0; i < 20; i++) await g.acquire();
    expect(g.taken).toBe(20);
    expect(g.learnedLimit).toBeNull();
  });

  it('learns the limit from a burst of refusals and then queues callers until a channel closes', async () => {
    const g = new ChannelGate();
    for (let i = 0; i < 15; i++) await g.acquire();
    // the server accepts 10 and refuses the 5 opens that came after them
    for (let i = 0; i < 5; i++) {
      g.release(false);
      g.learnLimit();
    }
    for (let i = 0; i < 10; i++) g.confirm();
    expect(g.learnedLimit).toBe(10);
    let got = false;
    void g.acquire().then(() => (got = true));
    await tick();
    expect(got).toBe(false);
    g.release(true);
    await tick();
    expect(got).toBe(true);
    expect(g.active).toBe(9);
  });

  it('does not shrink below the most channels the server ever accepted (late reaping on the server)', async () => {
    const g = new ChannelGate();
    for (let i = 0; i < 11; i++) await g.acquire();
    for (let i = 0; i < 10; i++) g.confirm();
    g.release(false);
    g.learnLimit();
    expect(g.learnedLimit).toBe(10);
    g.release(true); // one closes on our side; the next open is refused because the server has not reaped it yet
    await g.acquire();
    g.release(false);
    g.learnLimit();
    expect(g.learnedLimit).toBe(10);
  });

  it('a queued caller can give up (deadline) without taking a slot', async () => {
    const g = new ChannelGate();
    await g.acquire();
    await g.acquire();
    g.release(false);
    g.learnLimit(); // limit 1
    const ac = new AbortController();
    const waiting = g.acquire(ac.signal);
    ac.abort(new Error('deadline'));
    await expect(waiting).rejects.toThrow('deadline');
    g.release(false);
    expect(g.taken).toBe(0);
    await g.acquire();
    expect(g.taken).toBe(1);
  });
});
