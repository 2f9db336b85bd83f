import { describe, expect, it } from 'vitest';
import { ClientCache } from './client-cache.js';

describe('ClientCache', () => {
  it('keeps one client per id while its key holds, closes it when the key changes, on drop and at the end', () => {
    const closed: string[] = [];
    const make = (name: string) => () => ({ name, close: () => closed.push(name) });
    const c = new ClientCache<{ name: string; close(): void }>();
    const a = c.get(1, 'url-a', make('a1'));
    expect(c.get(1, 'url-a', make('never'))).toBe(a);
    expect(c.get(1, 'url-b', make('a2')).name).toBe('a2');
    expect(closed).toEqual(['a1']);
    c.get(2, 'x', make('b'));
    c.drop(1);
    expect(closed).toEqual(['a1', 'a2']);
    c.closeAll();
    expect(closed).toEqual(['a1', 'a2', 'b']);
    expect(c.get(1, 'url-b', make('a3')).name).toBe('a3');
  });
});
