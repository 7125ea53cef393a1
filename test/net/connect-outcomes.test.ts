/**
 * What a client program sees when it connects, for every outcome and every OS profile, with
 * the times of REFERENCE.md §1a and §1b. The world has a 50 ms round trip to the server and a
 * 10 ms round trip to the ISP's edge, where a stub filter plays the ISP.
 */
import { describe, expect, it } from 'vitest';
import {
  type AccessLine,
  type BorderFilter,
  type ConnectReport,
  type Direction,
  IcmpCode,
  icmpUnreachable,
  IpProtocol,
  type Network,
  OS_PROFILES,
  type Packet,
  Payload,
  TcpFlag,
  tcpSegment,
  tlsClientHello,
} from '../../src/net/index.js';
import { makeWorld, RTT } from './world.js';

const EDGE_RTT = 0.01;

/** An ISP edge that drops outbound SYNs to port 25, or answers them with an ICMP code. */
function edge(mode: 'drop' | number): BorderFilter {
  return {
    filter(p: Packet, direction: Direction, line: AccessLine, net: Network): Packet | null {
      if (direction !== 'outbound' || p.protocol !== IpProtocol.TCP || p.dstPort !== 25) return p;
      if (mode !== 'drop') net.injectToSubscriber(icmpUnreachable(line.isp.routerAddress, mode, p), line, null);
      return null;
    },
  };
}

interface Seen {
  report: ConnectReport;
  synTimes: number[];
}

function attempt(os: string, mode: 'drop' | number | 'closed', options: { timeout?: number } = {}): Seen {
  const w = makeWorld(os);
  if (mode !== 'closed') w.access.filter = edge(mode);
  const synTimes: number[] = [];
  w.net.observe((e) => {
    if (e.type === 'send' && e.host === 'laptop' && e.packet.flags === TcpFlag.SYN) synTimes.push(e.time);
  });
  const conn = w.client.tcp.connect(w.server.address, 25, options);
  w.sim.run();
  if (conn.report === null) throw new Error('no report');
  return { report: conn.report, synTimes };
}

describe('a silently dropped SYN: each OS retries on its own schedule, then times out', () => {
  const cases = [
    // [profile, SYN times, give-up, errno name, errno code]  (REFERENCE.md §1a)
    ['linux', [0, 1, 2, 3, 4, 5, 7, 11, 19, 35, 67], 131, 'ETIMEDOUT', 110],
    ['linux-classic', [0, 1, 3, 7, 15, 31, 63], 127, 'ETIMEDOUT', 110],
    ['windows', [0, 3, 9], 21, 'WSAETIMEDOUT', 10060],
    ['macos', [0, 1, 2, 3, 4, 5, 7, 11, 19, 35, 67], 75, 'ETIMEDOUT', 60],
  ] as const;
  for (const [os, syns, giveUp, name, code] of cases) {
    it(`${os}: SYNs at ${syns.join(', ')} s; ${name} (${code}) at ${giveUp} s`, () => {
      const { report, synTimes } = attempt(os, 'drop');
      expect(synTimes).toEqual(syns);
      expect(report.outcome).toBe('timed-out');
      expect(report.errno).toMatchObject({ name, code });
      expect(report.elapsed).toBe(giveUp);
      expect(report.synsSent).toBe(syns.length);
    });
  }

  it("ends at the application's own connect timeout when that comes first (Postfix: 30 s)", () => {
    const { report, synTimes } = attempt('linux', 'drop', { timeout: 30 });
    expect(report).toMatchObject({ outcome: 'timed-out', elapsed: 30 });
    expect(report.errno?.name).toBe('ETIMEDOUT');
    expect(synTimes).toEqual([0, 1, 2, 3, 4, 5, 7, 11, 19]);
  });
});

describe('a RST (closed port): refused', () => {
  it('linux and macOS report ECONNREFUSED after one round trip', () => {
    for (const [os, code] of [['linux', 111], ['linux-classic', 111], ['macos', 61]] as const) {
      const { report, synTimes } = attempt(os, 'closed');
      expect(report.outcome).toBe('refused');
      expect(report.errno).toMatchObject({ name: 'ECONNREFUSED', code });
      expect(report.elapsed).toBeCloseTo(RTT, 9);
      expect(synTimes).toHaveLength(1);
    }
  });

  it('windows re-sends the SYN after each RST and reports WSAECONNREFUSED after about 2 s', () => {
    const { report, synTimes } = attempt('windows', 'closed');
    expect(report.outcome).toBe('refused');
    expect(report.errno).toMatchObject({ name: 'WSAECONNREFUSED', code: 10061 });
    expect(report.elapsed).toBeGreaterThanOrEqual(2);
    expect(report.elapsed).toBeLessThan(2.5);
    expect(synTimes.length).toBe(5);
  });
});

describe('ICMP destination unreachable in answer to the SYN (REFERENCE.md §1b)', () => {
  // [profile, ICMP code, outcome, errno name, errno code, seconds]
  const cases: [string, number, ConnectReport['outcome'], string, number, number][] = [
    ['linux', IcmpCode.PORT_UNREACHABLE, 'refused', 'ECONNREFUSED', 111, EDGE_RTT],
    ['linux', IcmpCode.ADMIN_PROHIBITED, 'unreachable', 'EHOSTUNREACH', 113, EDGE_RTT],
    ['linux', IcmpCode.HOST_PROHIBITED, 'unreachable', 'EHOSTUNREACH', 113, EDGE_RTT],
    ['linux', IcmpCode.NET_PROHIBITED, 'unreachable', 'ENETUNREACH', 101, EDGE_RTT],
    ['linux', IcmpCode.PROTOCOL_UNREACHABLE, 'unreachable', 'ENOPROTOOPT', 92, EDGE_RTT],
    // Soft errors on modern Linux: keep trying, report the stored error at the give-up time.
    ['linux', IcmpCode.HOST_UNREACHABLE, 'unreachable', 'EHOSTUNREACH', 113, 131],
    ['linux', IcmpCode.NET_UNREACHABLE, 'unreachable', 'ENETUNREACH', 101, 131],
    // Older kernels abort at once even on those.
    ['linux-classic', IcmpCode.HOST_UNREACHABLE, 'unreachable', 'EHOSTUNREACH', 113, EDGE_RTT],
    ['linux-classic', IcmpCode.ADMIN_PROHIBITED, 'unreachable', 'EHOSTUNREACH', 113, EDGE_RTT],
    // BSD maps port-unreachable and every admin-prohibited code to ECONNREFUSED.
    ['macos', IcmpCode.PORT_UNREACHABLE, 'refused', 'ECONNREFUSED', 61, EDGE_RTT],
    ['macos', IcmpCode.ADMIN_PROHIBITED, 'refused', 'ECONNREFUSED', 61, EDGE_RTT],
    ['macos', IcmpCode.HOST_PROHIBITED, 'refused', 'ECONNREFUSED', 61, EDGE_RTT],
    // ...and drops a soft error once the SYN has been re-sent more than 3 times: the 5th SYN, at 4 s.
    ['macos', IcmpCode.HOST_UNREACHABLE, 'unreachable', 'EHOSTUNREACH', 65, 4 + EDGE_RTT],
    // Windows: modelled as if dropped.
    ['windows', IcmpCode.ADMIN_PROHIBITED, 'timed-out', 'WSAETIMEDOUT', 10060, 21],
    ['windows', IcmpCode.PORT_UNREACHABLE, 'timed-out', 'WSAETIMEDOUT', 10060, 21],
  ];
  for (const [os, code, outcome, name, num, seconds] of cases) {
    it(`${os}, ICMP code ${code}: ${outcome}, ${name} (${num}) after ${seconds} s`, () => {
      const { report } = attempt(os, code);
      expect(report.outcome).toBe(outcome);
      expect(report.errno).toMatchObject({ name, code: num });
      expect(report.elapsed).toBeCloseTo(seconds, 9);
    });
  }
});

describe('connected, then reset', () => {
  it('reports ECONNRESET when a RST with the expected sequence number arrives after the ClientHello', () => {
    for (const [os, name, code] of [['linux', 'ECONNRESET', 104], ['macos', 'ECONNRESET', 54], ['windows', 'WSAECONNRESET', 10054]] as const) {
      const w = makeWorld(os);
      // A middlebox that answers any TLS ClientHello with a RST to the client.
      w.access.filter = {
        filter(p, direction, line, net) {
          if (direction === 'outbound' && p.payload?.label === 'tls ClientHello') {
            net.injectToSubscriber(tcpSegment(p.dst, p.dstPort, p.src, p.srcPort, TcpFlag.RST, p.ack, 0), line, null);
            return null;
          }
          return p;
        },
      };
      w.server.tcp.listen(465);
      const ends: string[] = [];
      const conn = w.client.tcp.connect(w.server.address, 465, {
        onConnect: (r, c) => {
          if (r.outcome === 'connected') c.send(tlsClientHello());
        },
        onEnd: (e) => ends.push(`${e.reason} ${e.errno?.name ?? ''}`),
      });
      w.sim.run();
      expect(conn.report).toMatchObject({ outcome: 'reset', connectedAfter: expect.closeTo(RTT, 9) as number });
      expect(conn.report?.errno).toMatchObject({ name, code });
      expect(conn.report?.elapsed).toBeCloseTo(RTT + EDGE_RTT, 9);
      expect(ends).toEqual([`reset ${name}`]);
    }
  });

  it('ignores a RST whose sequence number is in the window but not exact (RFC 5961 challenge ACK)', () => {
    const w = makeWorld();
    let forged = false;
    w.access.filter = {
      filter(p, direction, line, net) {
        if (direction === 'outbound' && p.length > 0 && !forged) {
          forged = true;
          net.injectToSubscriber(tcpSegment(p.dst, p.dstPort, p.src, p.srcPort, TcpFlag.RST, p.ack + 100, 0), line, null);
        }
        return p;
      },
    };
    w.server.tcp.listen(25, (c) => {
      c.onMessage = () => c.send(Payload.text('smtp', '250 ok\r\n'));
    });
    const got: string[] = [];
    const conn = w.client.tcp.connect(w.server.address, 25, {
      onConnect: (_r, c) => c.send(Payload.text('smtp', 'EHLO laptop\r\n')),
      onMessage: (p) => got.push(p.summary()),
    });
    w.sim.run({ until: 5 });
    expect(forged).toBe(true);
    expect(conn.report?.outcome).toBe('connected');
    expect(got).toEqual(['250 ok']);
  });
});

describe('every profile keeps the same contract', () => {
  for (const p of Object.values(OS_PROFILES)) {
    it(`${p.name}: SYN times rise, the last comes before the give-up, and errors come from its own table`, () => {
      for (let i = 1; i < p.synRetransmits.length; i++) expect(p.synRetransmits[i]).toBeGreaterThan(p.synRetransmits[i - 1] as number);
      expect(p.synRetransmits.at(-1) ?? 0).toBeLessThan(p.connectTimeout);
      expect(p.errno('ECONNREFUSED').kind).toBe('ECONNREFUSED');
      expect(p.errno('ETIMEDOUT').code).toBeGreaterThan(0);
      // A connect attempt has exactly one outcome, whatever happens.
      const outcomes = (['drop', 'closed', IcmpCode.ADMIN_PROHIBITED, IcmpCode.HOST_UNREACHABLE] as const).map((m) => attempt(p.name, m).report.outcome);
      for (const o of outcomes) expect(['refused', 'unreachable', 'timed-out']).toContain(o);
    });
  }
});
