import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const dir = path.dirname(fileURLToPath(import.meta.url));
const sources = fs.readdirSync(dir).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'));

// The web's type-checker and its contract test server load these files: they must stay pure schemas.
describe('the API contract (src/contract)', () => {
  it.each(sources)('%s imports only TypeBox and the contract itself', (file) => {
    const text = fs.readFileSync(path.join(dir, file), 'utf8');
    const imports = [...text.matchAll(/from '([^']+)'/g)].map((m) => m[1]);
    expect(imports.filter((i) => i !== '@sinclair/typebox' && !/^\.\/[\w-]+\.js$/.test(i))).toEqual([]);
  });
});
