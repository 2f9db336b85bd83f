// The registry's portainer kind: its engine is the environment's engine from the server's client, and without a
// client every call says why it cannot work.
import { describe, expect, it } from 'vitest';
import type { HostRow } from '../../db/schema.js';
import { Engines, type ProviderDeps } from '../registry.js';
import { PortainerClient } from './client.js';
import { PORTAINER_CAPABILITIES, PortainerEngine } from './engine.js';

const row = (o: Partial<HostRow> = {}) => ({ id: 7, name: 'nas', transport: 'portainer', portainer_server_id: 3, portainer_endpoint_id: 2, ...o }) as HostRow;
const base = { pool: {} as ProviderDeps['pool'], local: {} as ProviderDeps['local'], execTimeoutMs: 1000, log: { debug() {} } };

describe('registry: portainer hosts', () => {
  it('asks the server\'s client for the environment\'s engine', async () => {
    const asked: number[] = [];
    // A real client towards a closed port: its engine's calls fail as "the server does not answer".
    const client = new PortainerClient({ url: 'http://127.0.0.1:1', auth: { kind: 'api_key', apiKey: 'ptr_x' }, tlsFingerprint: null, timeoutMs: 2000 });
    const engines = new Engines({ ...base, portainer: { clientFor: (id) => (asked.push(id), client) } });
    const engine = engines.forHost(row());
    expect(engine).toBeInstanceOf(PortainerEngine);
    expect(asked).toEqual([3]);
    expect(engines.capabilities(row())).toEqual(PORTAINER_CAPABILITIES);
    await expect(engine.snapshot({ inspect: 'all' })).rejects.toMatchObject({ kind: 'unreachable' });
    client.close();
  });

  it('answers unsupported with a reason when no client is there', async () => {
    const none = new Engines(base).forHost(row());
    await expect(none.snapshot({ inspect: 'all' })).rejects.toMatchObject({ kind: 'unsupported', message: expect.stringMatching(/Portainer server \(3\) is not configured/) });
    const unknownServer = new Engines({ ...base, portainer: { clientFor: () => null } }).forHost(row());
    await expect(unknownServer.action('web', 'start')).rejects.toMatchObject({ kind: 'unsupported' });
    const orphan = new Engines(base).forHost(row({ portainer_endpoint_id: null }));
    await expect(orphan.logs('web', { tail: 1, timestamps: true })).rejects.toMatchObject({ kind: 'unsupported', message: expect.stringMatching(/does not name/) });
  });
});
