import { describe, expect, it } from 'vitest';
import { InventoryError, parseAnsibleInventory } from './ansible.js';

describe('parseAnsibleInventory', () => {
  it('reads hosts, nested groups, inherited vars and host overrides', () => {
    const hosts = parseAnsibleInventory(`
all:
  hosts:
    gateway:
  children:
    docker:
      vars:
        ansible_user: automation
      hosts:
        nas:
          ansible_host: 192.168.1.10
        pi:
          ansible_host: 192.168.1.20
          ansible_port: 2222
          ansible_user: pi
      children:
        media:
          hosts:
            nas:
    proxmox:
      hosts:
        pve1: { ansible_host: 10.0.0.2 }
`);
    const byName = Object.fromEntries(hosts.map((h) => [h.name, h]));
    expect(Object.keys(byName).sort()).toEqual(['gateway', 'nas', 'pi', 'pve1']);
    expect(byName.gateway).toEqual({ name: 'gateway', host: 'gateway', port: null, username: null, groups: [] });
    expect(byName.nas).toMatchObject({ host: '192.168.1.10', username: 'automation', groups: ['docker', 'media'] });
    expect(byName.pi).toMatchObject({ host: '192.168.1.20', port: 2222, username: 'pi', groups: ['docker'] });
    expect(byName.pve1).toMatchObject({ host: '10.0.0.2', groups: ['proxmox'] });
  });

  it('reports the line of a YAML syntax error', () => {
    const bad = 'all:\n  hosts:\n    nas:\n      ansible_host: [unclosed\n    pi:\n';
    try {
      parseAnsibleInventory(bad);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(InventoryError);
      expect((e as InventoryError).line).toBeGreaterThanOrEqual(4);
      expect((e as Error).message).toMatch(/^line \d+: invalid YAML/);
    }
  });

  it('rejects a bad structure and a bad port with a clear message', () => {
    expect(() => parseAnsibleInventory('- just\n- a list\n')).toThrow(/mapping of groups/);
    expect(() => parseAnsibleInventory('all:\n  hosts:\n    a:\n      ansible_port: 99999\n')).toThrow(/ansible_port must be 1-65535/);
    expect(() => parseAnsibleInventory('all:\n  hosts: [a, b]\n')).toThrow(/must be a mapping/);
  });

  it('accepts an empty inventory', () => {
    expect(parseAnsibleInventory('')).toEqual([]);
  });
});
