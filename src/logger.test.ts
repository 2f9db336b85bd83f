import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, redactUrl } from './logger.js';

describe('redactUrl', () => {
  it('redacts a secret parameter in every spelling and repetition, keeps the rest', () => {
    expect(redactUrl('/ws?token=abc')).toBe('/ws?token=[redacted]');
    expect(redactUrl('/ws?%74oken=abc')).toBe('/ws?token=[redacted]');
    expect(redactUrl('/ws?TOKEN=abc&x=1')).toBe('/ws?TOKEN=[redacted]&x=1');
    expect(redactUrl('/ws?token=a&token=b')).toBe('/ws?token=[redacted]&token=[redacted]');
    expect(redactUrl('/api/x?to%6Ben=zz&api_key=k&password=p')).toBe('/api/x?token=[redacted]&api_key=[redacted]&password=[redacted]');
    expect(redactUrl('/api/hosts')).toBe('/api/hosts');
    expect(redactUrl('/api/logs?q=error%20disk&limit=5')).toBe('/api/logs?q=error%20disk&limit=5');
  });

  it('is what the request serializer logs', () => {
    const lines: string[] = [];
    const log = createLogger('info', new Writable({ write(c, _e, cb) { lines.push(String(c)); cb(); } }));
    log.info({ req: { method: 'GET', url: '/ws?%74oken=eyJhbGciOi.secret.part', ip: '127.0.0.1' } }, 'request');
    expect(lines.join('')).not.toContain('secret.part');
    expect(lines.join('')).toContain('token=[redacted]');
  });
});
