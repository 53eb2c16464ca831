import type { NetworkInterfaceInfo } from 'node:os';
import { describe, expect, it } from 'vitest';
import { InterfaceWatcher } from '../../src/main/host/network-watcher';
import type { NetworkState } from '../../src/main/ports';

const loopback: NetworkInterfaceInfo = {
  address: '127.0.0.1',
  netmask: '255.0.0.0',
  family: 'IPv4',
  mac: '00:00:00:00:00:00',
  internal: true,
  cidr: '127.0.0.1/8',
};
const address = (ip: string, family: 'IPv4' | 'IPv6' = 'IPv4'): NetworkInterfaceInfo =>
  family === 'IPv4'
    ? { address: ip, netmask: '255.255.255.0', family, mac: '02:00:00:00:00:01', internal: false, cidr: `${ip}/24` }
    : {
        address: ip,
        netmask: 'ffff:ffff:ffff:ffff::',
        family,
        mac: '02:00:00:00:00:01',
        internal: false,
        cidr: `${ip}/64`,
        scopeid: 0,
      };

describe('the network watcher', () => {
  it('reports the network coming back, moving to a new address, and going away; nothing else', () => {
    let interfaces: Record<string, NetworkInterfaceInfo[]> = { lo: [loopback] };
    let failing = false;
    const watcher = new InterfaceWatcher({
      read: () => {
        if (failing) throw new Error('EPERM');
        return interfaces;
      },
      intervalMs: 60_000,
    });
    const seen: NetworkState[] = [];
    const stop = watcher.onChange((state) => seen.push(state));

    // Link-local addresses come before a real network does: still offline.
    interfaces = { lo: [loopback], eth0: [address('169.254.10.2'), address('fe80::1', 'IPv6')] };
    watcher.check();
    expect(seen).toEqual([]);

    interfaces = { lo: [loopback], eth0: [address('192.168.1.20')] };
    watcher.check();
    watcher.check();
    expect(seen).toEqual([{ online: true }]);

    // Moved (Wi-Fi to docking station): online still, but a change.
    interfaces = { lo: [loopback], enx0: [address('10.0.0.7'), address('2001:db8::7', 'IPv6')] };
    watcher.check();
    expect(seen).toEqual([{ online: true }, { online: true }]);

    // An unreadable interface list is no news.
    failing = true;
    watcher.check();
    failing = false;
    expect(seen).toHaveLength(2);

    interfaces = { lo: [loopback] };
    watcher.check();
    expect(seen).toEqual([{ online: true }, { online: true }, { online: false }]);

    stop();
    interfaces = { lo: [loopback], eth0: [address('192.168.1.20')] };
    watcher.check();
    expect(seen).toHaveLength(3);
  });
});
