import { describe, expect, it } from 'vitest';
import type { Host, WsMessage } from '../../core/types.js';
import { type Clock, Coalescer } from './coalescer.js';

function fakeClock() {
  let t = 0;
  const timers: { at: number; fn: () => void; id: number }[] = [];
  let seq = 0;
  const clock: Clock = {
    now: () => t,
    setTimeout: (fn, ms) => {
      const id = ++seq;
      timers.push({ at: t + ms, fn, id });
      return id;
    },
    clearTimeout: (id) => {
      const i = timers.findIndex((x) => x.id === id);
      if (i >= 0) timers.splice(i, 1);
    },
  };
  const advance = (ms: number) => {
    t += ms;
    for (const timer of timers.filter((x) => x.at <= t).sort((a, b) => a.at - b.at)) {
      timers.splice(timers.indexOf(timer), 1);
      timer.fn();
    }
  };
  return { clock, advance };
}

const host = (id: number, name: string) => ({ type: 'host_updated', host: { id, name } as Host }) as WsMessage;

describe('Coalescer', () => {
  it('sends the first message at once and coalesces a burst into the latest state one second later', () => {
    const { clock, advance } = fakeClock();
    const sent: WsMessage[] = [];
    const c = new Coalescer((m) => sent.push(m), 1000, clock);
    for (let i = 0; i < 100; i++) c.push(host(1, `v${i}`));
    expect(sent.map((m) => (m as { host: Host }).host.name)).toEqual(['v0']);
    advance(999);
    expect(sent).toHaveLength(1);
    advance(1);
    expect(sent.map((m) => (m as { host: Host }).host.name)).toEqual(['v0', 'v99']);
    advance(5000);
    expect(sent).toHaveLength(2);
  });

  it('keeps objects apart: an update of host 2 is not swallowed by host 1', () => {
    const { clock } = fakeClock();
    const sent: WsMessage[] = [];
    const c = new Coalescer((m) => sent.push(m), 1000, clock);
    c.push(host(1, 'a'));
    c.push(host(2, 'b'));
    expect(sent).toHaveLength(2);
  });

  it('appends log lines instead of dropping them', () => {
    const { clock, advance } = fakeClock();
    const sent: WsMessage[] = [];
    const c = new Coalescer((m) => sent.push(m), 1000, clock);
    const line = (text: string) => ({ ts: null, stream: 'stdout' as const, text });
    c.push({ type: 'logs', subscription: 's', lines: [line('1')] });
    c.push({ type: 'logs', subscription: 's', lines: [line('2')] });
    c.push({ type: 'logs', subscription: 's', lines: [line('3')] });
    advance(1000);
    expect(sent.flatMap((m) => (m as { lines: { text: string }[] }).lines.map((l) => l.text))).toEqual(['1', '2', '3']);
  });

  it('keeps alerts apart, and lets the latest message of one alert win whatever its type', () => {
    const { clock, advance } = fakeClock();
    const sent: WsMessage[] = [];
    const c = new Coalescer((m) => sent.push(m), 1000, clock);
    const alert = (id: number, state: string) => ({ id, state }) as never;
    c.push({ type: 'alert_opened', alert: alert(1, 'open') });
    c.push({ type: 'alert_opened', alert: alert(2, 'open') });
    c.push({ type: 'alert_updated', alert: alert(1, 'acknowledged') });
    c.push({ type: 'alert_closed', alert: alert(1, 'closed') });
    expect(sent.map((m) => m.type)).toEqual(['alert_opened', 'alert_opened']);
    advance(1000);
    // the acknowledgement held by the window never lands after the close
    expect(sent.map((m) => `${m.type}:${(m as { alert: { id: number } }).alert.id}`)).toEqual(['alert_opened:1', 'alert_opened:2', 'alert_closed:1']);
  });
});
