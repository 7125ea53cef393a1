/**
 * One test per protocol, open and blocked: what the user sees, and when (REFERENCE.md §5b).
 * Every round trip subscriber ↔ gateway is 50 ms, so an open handshake's time is its number
 * of exchanges × 50 ms.
 */
import { describe, expect, it } from 'vitest';
import type { RuleSpec } from '../../src/firewall/index.js';
import { Payload } from '../../src/net/index.js';
import { HAND_WINDOW, IKE_GIVE_UP, REKEY_ATTEMPT_TIME, TLS_NEGOTIATION_FAILED, WINDOWS_800, WINDOWS_806, WINDOWS_809 } from '../../src/vpn/index.js';
import { RTT, vpnWorld } from './world.js';

const out = (r: Omit<RuleSpec, 'direction'>): RuleSpec => ({ direction: 'outbound', ...r });

describe('IPsec (IKEv2)', () => {
  it('open: IKE_SA_INIT then IKE_AUTH on 4500 behind NAT; up after two round trips, data in UDP 4500', () => {
    const w = vpnWorld();
    const laptop = w.subscriber('laptop');
    const { client, attempt } = w.connect(laptop, { protocol: 'ipsec' });
    expect(attempt()).toMatchObject({ outcome: 'established', failure: null, detail: "connection 'vpn.corp.example' established successfully" });
    expect(attempt().elapsed).toBeCloseTo(2 * RTT, 9);
    expect(client.up).toBe(true);
    const ports = w.firewall.log.filter((r) => r.direction === 'outbound').map((r) => `${r.packet.protocolName()}/${r.packet.dstPort}`);
    expect(ports).toEqual([]); // the default accept records nothing: no rule matched
    expect(w.events.filter((e) => e.type === 'send' && e.host === 'laptop').map((e) => (e.type === 'send' ? `${e.packet.protocolName()}/${e.packet.dstPort} ${e.packet.payload?.label}` : ''))).toEqual([
      'UDP/500 ike',
      'UDP/4500 ike auth (nat-t)',
    ]);
  });

  it('UDP 500 dropped: strongSwan resends at 4, 11, 24, 47 and 89 s and gives up at 165 s', () => {
    const w = vpnWorld({ rules: [out({ name: 'no ike', protocol: 'udp', destinationPorts: [500, 4500], action: 'drop' })] });
    const laptop = w.subscriber('laptop');
    const { attempt } = w.connect(laptop, { protocol: 'ipsec' });
    expect(attempt()).toMatchObject({ outcome: 'failed', failure: 'no-response', code: null, silent: false });
    expect(attempt().detail).toBe("giving up after 5 retransmits; establishing connection 'vpn.corp.example' failed");
    expect(attempt().elapsed).toBeCloseTo(165.06, 2);
    expect(IKE_GIVE_UP).toBeCloseTo(165.06, 2);
    const sent = w.events.filter((e) => e.type === 'send' && e.host === 'laptop').map((e) => e.time);
    expect(sent.map((t) => Math.round(t))).toEqual([0, 4, 11, 24, 47, 89]);
  });

  it('only NAT-T (4500) dropped: IKE_SA_INIT answers, IKE_AUTH then times out 165 s later', () => {
    const w = vpnWorld({ rules: [out({ name: 'no nat-t', protocol: 'udp', destinationPorts: 4500, action: 'drop' })] });
    const { attempt } = w.connect(w.subscriber('laptop'), { protocol: 'ipsec' });
    expect(attempt().outcome).toBe('failed');
    expect(attempt().elapsed).toBeCloseTo(RTT + IKE_GIVE_UP, 6);
  });

  it('without NAT, data goes as ESP (IP protocol 50); blocking ESP does not stop the handshake', () => {
    const w = vpnWorld({ rules: [out({ name: 'no esp', protocol: 'esp', action: 'drop' })] });
    const laptop = w.subscriber('laptop');
    const { client } = w.connect(laptop, { protocol: 'ipsec', nat: false });
    expect(client.up).toBe(true);
    const sink = w.server('sink.example');
    laptop.udp.bind().send(sink.address, 9, Payload.opaque('probe', 100));
    w.sim.run();
    expect(w.firewall.counters('no esp').packets).toBe(1);
    expect(w.gateway.stats.forwarded).toBe(0);
  });

  it('Windows with IKE blocked shows error 809', () => {
    const w = vpnWorld({ rules: [out({ name: 'no ike', protocol: 'udp', destinationPorts: [500, 4500], action: 'reject' })] });
    const { attempt } = w.connect(w.subscriber('pc', 'windows'), { protocol: 'ipsec' });
    expect(attempt()).toMatchObject({ outcome: 'failed', failure: 'no-response', code: 809, detail: WINDOWS_809 });
    expect(attempt().elapsed).toBeCloseTo(IKE_GIVE_UP, 6);
  });
});

describe('L2TP/IPsec', () => {
  it('open: main mode, quick mode, then L2TP and PPP inside ESP-in-UDP: six round trips', () => {
    const w = vpnWorld();
    const { attempt } = w.connect(w.subscriber('pc', 'windows'), { protocol: 'l2tp-ipsec' });
    expect(attempt()).toMatchObject({ outcome: 'established', detail: 'Connected (L2TP/IPsec)' });
    expect(attempt().elapsed).toBeCloseTo(6 * RTT, 9);
  });

  it('Windows with UDP 500 dropped: error 809 after IKE gives up', () => {
    const w = vpnWorld({ rules: [out({ name: 'no ike', protocol: 'udp', destinationPorts: 500, action: 'drop' })] });
    const { attempt } = w.connect(w.subscriber('pc', 'windows'), { protocol: 'l2tp-ipsec' });
    expect(attempt()).toMatchObject({ outcome: 'failed', failure: 'no-response', code: 809, detail: WINDOWS_809 });
    expect(attempt().elapsed).toBeCloseTo(IKE_GIVE_UP, 6);
  });

  it('without NAT and ESP blocked: IKE completes, L2TP inside ESP never answers (31 s of L2TP retries)', () => {
    const w = vpnWorld({ rules: [out({ name: 'no esp', protocol: 'esp', action: 'drop' })] });
    const { attempt } = w.connect(w.subscriber('laptop'), { protocol: 'l2tp-ipsec', nat: false });
    expect(attempt()).toMatchObject({ outcome: 'failed', failure: 'data-channel-blocked' });
    expect(attempt().detail).toMatch(/xl2tpd: maximum retries exceeded/);
    expect(attempt().elapsed).toBeCloseTo(4 * RTT + 31, 6);
  });
});

describe('PPTP', () => {
  it('open: TCP 1723, two control exchanges, then PPP LCP over GRE', () => {
    const w = vpnWorld();
    const { attempt } = w.connect(w.subscriber('pc', 'windows'), { protocol: 'pptp' });
    expect(attempt()).toMatchObject({ outcome: 'established', detail: 'Connected (PPTP)' });
    expect(attempt().elapsed).toBeCloseTo(4 * RTT, 9);
  });

  it('GRE blocked: the control connection works, then error 806 after 10 LCP requests 3 s apart', () => {
    const w = vpnWorld({ rules: [out({ name: 'no gre', protocol: 'gre', action: 'drop' })] });
    const { attempt } = w.connect(w.subscriber('pc', 'windows'), { protocol: 'pptp' });
    expect(attempt()).toMatchObject({ outcome: 'failed', failure: 'data-channel-blocked', code: 806, detail: WINDOWS_806 });
    expect(attempt().elapsed).toBeCloseTo(3 * RTT + 30, 6);
    expect(w.firewall.counters('no gre').packets).toBe(10);
  });

  it('GRE blocked on Linux: pppd says "LCP: timeout sending Config-Requests"', () => {
    const w = vpnWorld({ rules: [out({ name: 'no gre', protocol: 'gre', action: 'drop' })] });
    const { attempt } = w.connect(w.subscriber('laptop'), { protocol: 'pptp' });
    expect(attempt()).toMatchObject({ failure: 'data-channel-blocked', code: null, detail: 'LCP: timeout sending Config-Requests' });
  });

  it('TCP 1723 dropped: error 800 when Windows gives up connecting (21 s)', () => {
    const w = vpnWorld({ rules: [out({ name: 'no pptp', protocol: 'tcp', destinationPorts: 1723, action: 'drop' })] });
    const { attempt } = w.connect(w.subscriber('pc', 'windows'), { protocol: 'pptp' });
    expect(attempt()).toMatchObject({ outcome: 'failed', failure: 'no-response', code: 800, detail: WINDOWS_800 });
    expect(attempt().elapsed).toBeCloseTo(21, 6);
  });

  it('TCP 1723 refused with a RST: error 800 after Windows has re-sent its SYN (about 2 s)', () => {
    const w = vpnWorld({ rules: [out({ name: 'no pptp', protocol: 'tcp', destinationPorts: 1723, action: { type: 'reject', with: 'tcp-reset' } })] });
    const { attempt } = w.connect(w.subscriber('pc', 'windows'), { protocol: 'pptp' });
    expect(attempt()).toMatchObject({ outcome: 'failed', failure: 'refused', code: 800 });
    expect(attempt().elapsed).toBeGreaterThan(2);
    expect(attempt().elapsed).toBeLessThan(2.2);
  });
});

describe('OpenVPN', () => {
  it('open over UDP 1194: hard reset, TLS, push reply: three round trips, "Initialization Sequence Completed"', () => {
    const w = vpnWorld();
    const { attempt } = w.connect(w.subscriber('laptop'), { protocol: 'openvpn' });
    expect(attempt()).toMatchObject({ outcome: 'established', transport: 'udp/1194', detail: 'Initialization Sequence Completed', tries: 1 });
    expect(attempt().elapsed).toBeCloseTo(3 * RTT, 9);
  });

  it('open over TCP: one more round trip for the TCP handshake', () => {
    const w = vpnWorld();
    const { attempt } = w.connect(w.subscriber('laptop'), { protocol: 'openvpn', transport: 'tcp' });
    expect(attempt()).toMatchObject({ outcome: 'established', transport: 'tcp/1194' });
    expect(attempt().elapsed).toBeCloseTo(4 * RTT, 9);
  });

  it('UDP dropped: "TLS key negotiation failed to occur within 60 seconds" at 60 s', () => {
    const w = vpnWorld({ rules: [out({ name: 'no openvpn', app: 'openvpn', action: 'drop' })] });
    const { attempt } = w.connect(w.subscriber('laptop'), { protocol: 'openvpn' });
    expect(attempt()).toMatchObject({ outcome: 'failed', failure: 'no-response', detail: TLS_NEGOTIATION_FAILED });
    expect(attempt().detail).toBe('TLS key negotiation failed to occur within 60 seconds (check your network connectivity)');
    expect(attempt().elapsed).toBeCloseTo(HAND_WINDOW, 9);
  });

  it('UDP dropped, three tries: 60 s each with a 5 s connect-retry pause between', () => {
    const w = vpnWorld({ rules: [out({ name: 'no 1194', protocol: 'udp', destinationPorts: 1194, action: 'drop' })] });
    const { attempt } = w.connect(w.subscriber('laptop'), { protocol: 'openvpn', tries: 3 });
    expect(attempt()).toMatchObject({ outcome: 'failed', tries: 3 });
    expect(attempt().elapsed).toBeCloseTo(3 * 60 + 2 * 5, 6);
  });

  it('UDP answered by ICMP port-unreachable: "read UDP: Connection refused (code=111)", still failing at 60 s', () => {
    const w = vpnWorld({ rules: [out({ name: 'no 1194', protocol: 'udp', destinationPorts: 1194, action: 'reject' })] });
    const { attempt } = w.connect(w.subscriber('laptop'), { protocol: 'openvpn' });
    expect(attempt()).toMatchObject({ outcome: 'failed', failure: 'refused' });
    expect(attempt().detail).toBe(`read UDP: Connection refused (code=111); ${TLS_NEGOTIATION_FAILED}`);
    expect(attempt().elapsed).toBeCloseTo(60, 9);
  });

  it('TCP 443 reset after inspection (T-Mobile UK): "Connection reset" as soon as the hard reset is seen', () => {
    const w = vpnWorld({ rules: [out({ name: 'reset openvpn', app: 'openvpn', action: 'reset-after-inspection' })] }, { services: [{ protocol: 'openvpn', transport: 'tcp', port: 443 }] });
    const { client, attempt } = w.connect(w.subscriber('laptop'), { protocol: 'openvpn', transport: 'tcp', port: 443 });
    expect(attempt()).toMatchObject({ outcome: 'failed', failure: 'reset', transport: 'tcp/443' });
    expect(attempt().detail).toBe('Connection reset, restarting [0] (Connection reset by peer)');
    // SYN-ACK back at 50 ms; the hard reset reaches the edge 5 ms later; the forged RST 5 ms after that.
    expect(attempt().elapsed).toBeCloseTo(RTT + 0.01, 9);
    expect(client.up).toBe(false);
  });

  it('TCP connect dropped: the 120 s connect-timeout ends the try before Linux would', () => {
    const w = vpnWorld({ rules: [out({ name: 'no 1194', protocol: 'tcp', destinationPorts: 1194, action: 'drop' })] });
    const { attempt } = w.connect(w.subscriber('laptop'), { protocol: 'openvpn', transport: 'tcp' });
    expect(attempt()).toMatchObject({ outcome: 'failed', failure: 'no-response' });
    expect(attempt().detail).toBe('TCP: connect to [AF_INET]192.0.2.2:1194 failed: Connection timed out');
    expect(attempt().elapsed).toBeCloseTo(120, 9);
  });
});

describe('WireGuard', () => {
  it('open on a configured port: one round trip', () => {
    const w = vpnWorld({ rules: [] }, { services: [{ protocol: 'wireguard', port: 4443 }] });
    const { attempt } = w.connect(w.subscriber('laptop'), { protocol: 'wireguard', port: 4443 });
    expect(attempt()).toMatchObject({ outcome: 'established', transport: 'udp/4443' });
    expect(attempt().elapsed).toBeCloseTo(RTT, 9);
  });

  it('dropped: the user is shown nothing; the kernel gives up after 90 s of initiations every 5 s (+ jitter)', () => {
    const w = vpnWorld({ rules: [out({ name: 'no wireguard', app: 'wireguard', action: 'drop' })] });
    const { attempt } = w.connect(w.subscriber('laptop'), { protocol: 'wireguard' });
    expect(attempt()).toMatchObject({ outcome: 'failed', failure: 'no-response', silent: true, code: null });
    expect(attempt().detail).toBe('wg0: Handshake for peer 1 (192.0.2.2:51820) did not complete after 20 attempts, giving up');
    expect(attempt().elapsed).toBeGreaterThanOrEqual(REKEY_ATTEMPT_TIME);
    expect(attempt().elapsed).toBeLessThan(REKEY_ATTEMPT_TIME + 5 + 1 / 3);
    const sends = w.events.filter((e) => e.type === 'send' && e.host === 'laptop').map((e) => e.time);
    for (let i = 1; i < sends.length; i++) {
      const gap = (sends[i] as number) - (sends[i - 1] as number);
      expect(gap).toBeGreaterThanOrEqual(5);
      expect(gap).toBeLessThan(5 + 1 / 3);
    }
    expect(sends.length).toBe(w.firewall.counters('no wireguard').packets);
  });
});

describe('SSL VPN', () => {
  it('open on TCP 443: TCP handshake, TLS, login: three round trips', () => {
    const w = vpnWorld();
    const { attempt } = w.connect(w.subscriber('laptop'), { protocol: 'ssl-vpn' });
    expect(attempt()).toMatchObject({ outcome: 'established', detail: 'Connected to vpn.corp.example' });
    expect(attempt().elapsed).toBeCloseTo(3 * RTT, 9);
  });

  it('443 dropped: the OS connect timeout (Linux 131 s)', () => {
    const w = vpnWorld({ rules: [out({ name: 'no 443', protocol: 'tcp', destinationPorts: 443, action: 'drop' })] });
    const { attempt } = w.connect(w.subscriber('laptop'), { protocol: 'ssl-vpn' });
    expect(attempt()).toMatchObject({ outcome: 'failed', failure: 'no-response' });
    expect(attempt().detail).toBe('Connection attempt has failed: could not connect to the secure gateway vpn.corp.example:443 (Connection timed out)');
    expect(attempt().elapsed).toBeCloseTo(131, 9);
  });

  it('TLS reset by fingerprint: fails at once, during the TLS handshake', () => {
    const w = vpnWorld({ rules: [out({ name: 'reset tls', app: 'tls-client-hello', action: 'reset-after-inspection' })] });
    const { attempt } = w.connect(w.subscriber('laptop'), { protocol: 'ssl-vpn' });
    expect(attempt()).toMatchObject({ outcome: 'failed', failure: 'reset' });
    expect(attempt().detail).toMatch(/reset during the TLS handshake/);
    expect(attempt().elapsed).toBeCloseTo(RTT + 0.01, 9);
  });
});

describe('any protocol', () => {
  it('an unknown gateway name fails at once as offline', () => {
    const w = vpnWorld();
    const { attempt } = w.connect(w.subscriber('laptop'), { protocol: 'wireguard', server: 'nowhere.example' });
    expect(attempt()).toMatchObject({ outcome: 'failed', failure: 'offline', elapsed: 0, detail: 'Cannot connect: could not resolve nowhere.example' });
  });
});

describe('hanging up', () => {
  const cases = [
    [{ protocol: 'ipsec', nat: false }, 'UDP/500', 0],
    [{ protocol: 'ipsec' }, 'UDP/4500', 0],
    [{ protocol: 'l2tp-ipsec' }, 'UDP/4500', 0],
    [{ protocol: 'pptp' }, 'TCP/1723', 0],
    [{ protocol: 'openvpn' }, 'UDP/1194', 0],
    [{ protocol: 'openvpn', transport: 'tcp' }, 'TCP/1194', 0],
    [{ protocol: 'ssl-vpn' }, 'TCP/443', 0],
    // WireGuard has no goodbye: the gateway keeps the peer's session.
    [{ protocol: 'wireguard' }, null, 1],
  ] as const;
  for (const [cfg, goodbye, left] of cases) {
    it(`${cfg.protocol}${'nat' in cfg ? ' without NAT' : ''}${'transport' in cfg ? `/${cfg.transport}` : ''}: the goodbye goes ${goodbye ?? 'nowhere'}`, () => {
      const w = vpnWorld();
      const laptop = w.subscriber('laptop');
      const { client } = w.connect(laptop, cfg);
      expect(w.gateway.sessions).toHaveLength(1);
      const before = w.events.length;
      client.disconnect();
      w.sim.run();
      const first = w.events.slice(before).find((e) => e.type === 'send' && e.host === 'laptop');
      expect(first === undefined ? null : first.type === 'send' ? `${first.packet.protocolName()}/${first.packet.dstPort}` : '').toBe(goodbye);
      expect(w.gateway.sessions).toHaveLength(left);
      expect(client.up).toBe(false);
    });
  }

  it('the same seed gives the same WireGuard retry times', () => {
    const times = [1, 2].map(() => {
      const w = vpnWorld({ rules: [out({ name: 'no wireguard', app: 'wireguard', action: 'drop' })] });
      return w.connect(w.subscriber('laptop'), { protocol: 'wireguard' }).attempt().elapsed;
    });
    expect(times[0]).toBe(times[1]);
  });
});
