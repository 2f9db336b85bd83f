import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.js';

describe('HOMELAB_TRUST_PROXY', () => {
  const trust = (v: string | undefined) => loadConfig(v === undefined ? {} : { HOMELAB_TRUST_PROXY: v }).trustProxy;

  it('believes no hop by default or when false, one proxy for true, N for a number, and named proxies', () => {
    expect(trust(undefined)).toBe(false);
    expect(trust('false')).toBe(false);
    expect(trust('0')).toBe(false);
    expect(trust('true')).toBe(1);
    expect(trust('2')).toBe(2);
    expect(trust('10.0.0.2, 192.168.1.0/24,loopback')).toEqual(['10.0.0.2', '192.168.1.0/24', 'loopback']);
    expect(trust('fd00::1')).toEqual(['fd00::1']);
  });

  it('refuses what it cannot mean, with the variable named', () => {
    for (const v of ['maybe', '11', '10.0.0.300', 'proxy.lan', '10.0.0.1;rm']) expect(() => trust(v), v).toThrow(/HOMELAB_TRUST_PROXY/);
  });
});
