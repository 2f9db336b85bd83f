import { describe, expect, it } from 'vitest';
import { addressesOf, pveVersionOf, rrdPoints, snapshotCount, tagsOf } from './inventory.js';

// Shapes from the PVE reference (§4.5 agent interfaces, §5.3 LXC interfaces, §6 snapshots, §10 rrddata).
describe('Proxmox inventory mapping', () => {
  it('keeps the addresses PVE reports per family, without loopback and link-local, for the agent and for LXC', () => {
    const agent = [
      { name: 'lo', 'ip-addresses': [{ 'ip-address-type': 'ipv4', 'ip-address': '127.0.0.1', prefix: 8 }, { 'ip-address-type': 'ipv6', 'ip-address': '::1', prefix: 128 }] },
      { name: 'ens18', 'ip-addresses': [{ 'ip-address-type': 'ipv4', 'ip-address': '192.168.1.20', prefix: 24 }, { 'ip-address-type': 'ipv6', 'ip-address': 'fe80::1', prefix: 64 }, { 'ip-address-type': 'ipv6', 'ip-address': '2001:db8::20', prefix: 64 }] },
      { name: 'ens19' },
    ];
    expect(addressesOf(agent)).toEqual({ ipv4: ['192.168.1.20'], ipv6: ['2001:db8::20'] });
    const lxc = [{ name: 'eth0', 'ip-addresses': [{ 'ip-address-type': 'inet', 'ip-address': '10.0.0.5', prefix: 24 }, { 'ip-address-type': 'inet6', 'ip-address': 'fd00::5', prefix: 64 }] }];
    expect(addressesOf(lxc)).toEqual({ ipv4: ['10.0.0.5'], ipv6: ['fd00::5'] });
  });

  it("counts snapshots without PVE's synthetic current, splits tags, reads the pve-manager version", () => {
    expect(snapshotCount([{ name: 'a' }, { name: 'current', description: 'You are here!' }])).toBe(1);
    expect(tagsOf('prod;web')).toEqual(['prod', 'web']);
    expect(tagsOf(undefined)).toEqual([]);
    expect(pveVersionOf('pve-manager/9.1.5/9d436f37a0ac4172')).toBe('9.1.5');
  });

  it('turns rrddata into chart points, null where PVE left a field out', () => {
    const node = rrdPoints([{ time: 60, cpu: 0.1, memused: 5, memtotal: 10, netin: 1, netout: 2 }, { time: 120 }], 'node');
    expect(node).toEqual([
      { time: 60, cpu: 0.1, mem_used: 5, mem_total: 10, netin: 1, netout: 2, diskread: null, diskwrite: null },
      { time: 120, cpu: null, mem_used: null, mem_total: null, netin: null, netout: null, diskread: null, diskwrite: null },
    ]);
    expect(rrdPoints([{ time: 60, mem: 3, maxmem: 4, diskread: 7, diskwrite: 8 }], 'guest')[0]).toMatchObject({ mem_used: 3, mem_total: 4, diskread: 7, diskwrite: 8, cpu: null });
  });
});
