/**
 * Contracts and VPNs, after T-Mobile UK (REFERENCE.md §4): a mobile operator resets
 * OpenVPN, on any port, for subscribers whose contract does not allow VPNs (its legacy and
 * prepaid tariffs), lets it through on current contracts, and withdraws VPN use from a
 * subscriber who goes over the fair-use volume.
 */
import { describe, expect, it } from 'vitest';
import { type ProcessBody, timeout } from '../../src/engine/index.js';
import type { PolicySpec } from '../../src/firewall/index.js';
import { type FairUseEvent, lineClass, Payload } from '../../src/net/index.js';
import { type TunnelDownReason, type VpnAttempt, VpnClient, type VpnClientConfig } from '../../src/vpn/index.js';
import { RTT, type VpnWorld, vpnWorld } from './world.js';

const FAIR_USE = 200_000;
const PREPAID = lineClass({ name: 'mobile-prepaid', contract: { vpnAllowed: false, fairUseBytes: 1e9 }, latency: 0.005 });
const LEGACY = lineClass({ name: 'mobile-legacy', contract: { vpnAllowed: false, fairUseBytes: 1e9 }, latency: 0.005 });
const CURRENT = lineClass({ name: 'mobile-contract', contract: { vpnAllowed: true, fairUseBytes: FAIR_USE }, latency: 0.005 });

// One rule, keyed on the contract rather than on the tariff's name, covers every case.
const OPERATOR: PolicySpec = {
  rules: [{ name: 'no vpn off contract', direction: 'outbound', contract: { vpnAllowed: false }, app: ['openvpn', 'ike', 'wireguard', 'pptp'], action: 'reset-after-inspection' }],
};

const OPENVPN_443: VpnClientConfig = { protocol: 'openvpn', server: 'vpn.corp.example', transport: 'tcp', port: 443 };

function operator(): VpnWorld {
  return vpnWorld(OPERATOR, {
    services: [{ protocol: 'openvpn', transport: 'tcp', port: 443 }, { protocol: 'openvpn', transport: 'tcp', port: 993 }, { protocol: 'openvpn', transport: 'udp' }],
    fairUseWithdraws: { vpnAllowed: false },
  });
}

function connect(w: VpnWorld, client: VpnClient): () => VpnAttempt {
  let a: VpnAttempt | null = null;
  w.sim.process(
    (function* (): ProcessBody<void> {
      a = yield* client.connect();
    })(),
  );
  w.sim.run();
  return () => a as unknown as VpnAttempt;
}

describe('VPN use by contract', () => {
  it('legacy and prepaid contracts: OpenVPN is reset on any port as soon as it is recognised', () => {
    const w = operator();
    for (const [name, cls] of [['old-phone', LEGACY], ['payg', PREPAID]] as const) {
      const phone = w.subscriber(name, 'linux', cls);
      for (const port of [443, 993]) {
        const a = connect(w, new VpnClient(phone, { ...OPENVPN_443, port }))();
        expect(a).toMatchObject({ outcome: 'failed', failure: 'reset', detail: 'Connection reset, restarting [0] (Connection reset by peer)' });
        expect(a.elapsed).toBeCloseTo(RTT + 0.01, 9);
      }
    }
    expect(w.firewall.counters('no vpn off contract').packets).toBe(4); // the hard reset of each attempt
  });

  it('legacy contract over UDP: reset becomes a silent drop, so the user waits out the 60 s hand-window', () => {
    const w = operator();
    const a = connect(w, new VpnClient(w.subscriber('old-phone', 'linux', LEGACY), { protocol: 'openvpn', server: 'vpn.corp.example' }))();
    expect(a).toMatchObject({ outcome: 'failed', failure: 'no-response' });
    expect(a.elapsed).toBeCloseTo(60, 9);
  });

  it('current contracts: the same client connects', () => {
    const w = operator();
    const a = connect(w, new VpnClient(w.subscriber('laptop', 'linux', CURRENT), OPENVPN_443))();
    expect(a).toMatchObject({ outcome: 'established', detail: 'Initialization Sequence Completed' });
    expect(w.firewall.counters('no vpn off contract').packets).toBe(0);
  });
});

describe('fair use', () => {
  it('a subscriber who goes over the fair-use volume loses VPN from then on; others on the same tariff keep it', () => {
    const w = operator();
    const heavy = w.subscriber('heavy', 'linux', CURRENT);
    const light = w.subscriber('light', 'linux', CURRENT);
    const sink = w.server('sink.example');
    const vpn = new VpnClient(heavy, OPENVPN_443);
    const downs: { reason: TunnelDownReason; time: number }[] = [];
    vpn.onDown = (reason) => downs.push({ reason, time: w.sim.now });
    let first: VpnAttempt | null = null;
    let second: VpnAttempt | null = null;
    let sent = 0;
    w.sim.process(
      (function* (): ProcessBody<void> {
        first = yield* vpn.connect();
        // 30 kB a second through the tunnel until it goes.
        const sock = heavy.udp.bind();
        while (vpn.up) {
          sock.send(sink.address, 9, Payload.opaque('bulk', 30_000));
          sent++;
          yield timeout(1);
        }
        second = yield* vpn.connect();
      })(),
    );
    w.sim.run();
    expect(first).toMatchObject({ outcome: 'established' });
    const line = heavy.line;
    if (line === null) throw new Error('heavy has a line');
    // The crossing is recorded once, with what was withdrawn.
    const crossings = w.events.filter((e): e is FairUseEvent => e.type === 'fair-use');
    expect(crossings).toHaveLength(1);
    expect(crossings[0]).toMatchObject({ isp: 'access', subscriber: 'access/heavy', limit: FAIR_USE, withdrawn: { vpnAllowed: false } });
    expect(crossings[0]?.volume).toBeGreaterThan(FAIR_USE);
    expect(line.overFairUseSince).toBe(crossings[0]?.time);
    expect(line.contract.vpnAllowed).toBe(false);
    expect(line.lineClass.contract.vpnAllowed).toBe(true);
    // The packet that crossed the volume was the first one reset: the tunnel went down then.
    expect(downs).toEqual([{ reason: 'connection-ended', time: expect.closeTo((crossings[0]?.time ?? 0) + 0.005, 9) as number }]);
    expect(sent).toBe(7); // 7 × 30 kB plus the handshake is the first time over 200 kB
    expect(second).toMatchObject({ outcome: 'failed', failure: 'reset' });
    // The other subscriber on the same tariff is not affected.
    const a = connect(w, new VpnClient(light, OPENVPN_443))();
    expect(a.outcome).toBe('established');
    expect(light.line?.contract.vpnAllowed).toBe(true);
  });

  it('counts both directions at the edge, IP headers included', () => {
    const w = operator();
    const laptop = w.subscriber('laptop', 'linux', CURRENT);
    const a = connect(w, new VpnClient(laptop, OPENVPN_443))();
    expect(a.outcome).toBe('established');
    const line = laptop.line;
    // TCP handshake (3 segments of 40 bytes), then three OpenVPN exchanges framed on TCP, with their ACKs.
    expect(line?.bytesOut).toBeGreaterThan(0);
    expect(line?.bytesIn).toBeGreaterThan(0);
    const seen = w.events.filter((e) => (e.type === 'send' && e.host === 'laptop') || (e.type === 'deliver' && e.host === 'laptop'));
    const total = seen.reduce((n, e) => n + (e.type === 'send' || e.type === 'deliver' ? e.packet.wireLength : 0), 0);
    expect(line?.volume).toBe(total);
  });
});
