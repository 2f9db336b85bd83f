import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SecretBox } from './secret-box.js';

describe('SecretBox', () => {
  it('round-trips a secret and never stores it in clear', () => {
    const box = new SecretBox(crypto.randomBytes(32));
    const sealed = box.encrypt('tk_live_very_secret');
    expect(sealed).not.toContain('very_secret');
    expect(box.decrypt(sealed)).toBe('tk_live_very_secret');
    expect(box.encrypt('same')).not.toBe(box.encrypt('same'));
  });

  it('refuses a value sealed with another key or tampered with', () => {
    const a = new SecretBox(crypto.randomBytes(32));
    const b = new SecretBox(crypto.randomBytes(32));
    const sealed = a.encrypt('x');
    expect(() => b.decrypt(sealed)).toThrow();
    const parts = sealed.split(':');
    parts[3] = Buffer.from('y').toString('base64');
    expect(() => a.decrypt(parts.join(':'))).toThrow();
  });

  it('accepts hex keys and passphrases', () => {
    const hex = crypto.randomBytes(32).toString('hex');
    expect(SecretBox.fromString(hex).decrypt(SecretBox.fromString(hex).encrypt('a'))).toBe('a');
    expect(SecretBox.fromString('a passphrase').decrypt(SecretBox.fromString('a passphrase').encrypt('b'))).toBe('b');
  });
});
