import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { $, $$, click, mount, resetBrowser, startServer, teardown, type as typeIn, type Mounted } from '../test/harness';
import type { ContractServer } from '../test/contract-server';
import { JsonViewer, matchingPaths } from './JsonViewer';

const DOC = { Id: 'abc', Config: { Env: ['PATH=/usr/bin', 'TZ=Europe/Paris'], Labels: { 'homelab.monitor': 'true' } }, State: { Running: true } };

describe('JSON viewer', () => {
  let server: ContractServer;
  let m: Mounted;
  beforeEach(async () => {
    resetBrowser();
    server = await startServer();
  });
  afterEach(async () => {
    await teardown(m, server);
  });

  it('starts folded below the first level, unfolds on click, and opens the way to search hits', async () => {
    m = mount(server, <JsonViewer value={DOC} />);
    expect(m.root.textContent).toContain('Config');
    expect(m.root.textContent).not.toContain('Europe/Paris');
    const config = $$(m.root, 'button').find((b) => b.getAttribute('aria-label') === 'Expand Config')!;
    await click(config);
    expect(m.root.textContent).toContain('Labels');
    await typeIn($(m.root, '[data-testid=json-search]') as HTMLInputElement, 'paris');
    expect(m.root.textContent).toContain('"TZ=Europe/Paris"');
    expect(m.root.textContent).toContain('1 matches');
  });

  it('finds keys and values with their ancestors', () => {
    expect([...matchingPaths(DOC, 'monitor')].sort()).toEqual(['', 'Config', 'Config/Labels', 'Config/Labels/homelab.monitor']);
    expect(matchingPaths(DOC, '').size).toBe(0);
  });
});
