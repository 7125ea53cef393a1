/**
 * The network's generic support for tunnels: a host's tunnel takes the traffic it routes,
 * extra addresses (aliases) reach their host's `forward` hook, and lines count their volume
 * and record the fair-use crossing.
 */
import { describe, expect, it } from 'vitest';
import { type FairUseEvent, type HostTunnel, lineClass, type Packet, Payload } from '../../src/net/index.js';
import { makeWorld } from './world.js';

describe('host tunnels', () => {
  it('traffic to routed destinations takes the tunnel address and goes to carry; the rest goes on the line', () => {
    const w = makeWorld();
    const carried: Packet[] = [];
    const tunnel: HostTunnel = { address: 0x0a0a0a0a, routes: (d) => d !== w.server.address, carry: (p) => carried.push(p) };
    w.client.tunnel = tunnel;
    expect(w.client.sourceFor(w.server.address)).toBe(w.client.address);
    expect(w.client.sourceFor(0x01020304)).toBe(0x0a0a0a0a);
    const sock = w.client.udp.bind();
    sock.send(0x01020304, 53, Payload.opaque('q', 40));
    sock.send(w.server.address, 53, Payload.opaque('q', 40));
    w.sim.run();
    expect(carried.map((p) => p.src)).toEqual([0x0a0a0a0a]);
    expect(w.client.line?.bytesOut).toBe(68);
  });

  it('an alias delivers to the forward hook, and is given back when the host leaves', () => {
    const w = makeWorld();
    const forwarded: Packet[] = [];
    const alias = w.net.addAlias(w.server);
    w.server.forward = (p) => forwarded.push(p);
    expect(w.net.hostAt(alias)).toBe(w.server);
    w.client.udp.bind().send(alias, 7, Payload.opaque('x', 10));
    w.client.udp.bind().send(w.server.address, 7, Payload.opaque('x', 10));
    w.sim.run();
    expect(forwarded.map((p) => p.dst)).toEqual([alias]);
    w.net.detach(w.server);
    expect(w.net.hostAt(alias)).toBeUndefined();
    expect(w.server.aliases?.size).toBe(0);
  });

  it('a line over its fair-use volume is recorded once; withdrawn terms change its contract, not its class', () => {
    const w = makeWorld();
    w.access.fairUseWithdraws = { vpnAllowed: false };
    const capped = lineClass({ name: 'capped', contract: { fairUseBytes: 1000 }, latency: 0.005 });
    const phone = w.net.addHost({ name: 'phone' });
    const line = w.access.subscribe(phone, capped);
    const events: FairUseEvent[] = [];
    w.net.observe((e) => {
      if (e.type === 'fair-use') events.push(e);
    });
    const sock = phone.udp.bind();
    for (let i = 0; i < 5; i++) sock.send(w.server.address, 9, Payload.opaque('bulk', 472));
    w.sim.run();
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ subscriber: line.subscriber, volume: 1500, limit: 1000, withdrawn: { vpnAllowed: false } });
    expect(line.contract.vpnAllowed).toBe(false);
    expect(capped.contract.vpnAllowed).toBe(true);
    expect(line.overFairUseSince).toBeCloseTo(0.005, 9);
  });
});
