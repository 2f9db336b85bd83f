import { describe, expect, it } from 'vitest';
import { AppError } from '../core/errors.js';
import { LoginThrottle } from './login-throttle.js';

describe('LoginThrottle', () => {
  it('refuses an account after its failures, whatever the case of the name, until the window ends', () => {
    let now = 0;
    const t = new LoginThrottle(3, 60_000, 100, () => now);
    for (let i = 0; i < 3; i++) {
      t.check('Admin');
      t.failed(i % 2 ? 'ADMIN' : 'admin');
    }
    expect(() => t.check('admin')).toThrow(AppError);
    try {
      t.check('admin');
    } catch (e) {
      expect(e).toMatchObject({ statusCode: 429, code: 'rate_limited' });
    }
    t.check('alice'); // another account is not affected
    now = 60_000;
    t.check('admin');
  });

  it('a success clears the count; memory stays bounded under a flood of names', () => {
    const t = new LoginThrottle(2, 60_000, 5, () => 0);
    t.failed('bob');
    t.succeeded('bob');
    t.failed('bob');
    t.check('bob');
    for (let i = 0; i < 50; i++) t.failed(`user${i}`);
    expect((t as unknown as { failures: Map<string, unknown> }).failures.size).toBe(5);
  });
});
