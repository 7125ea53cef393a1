/**
 * One test per firewall action, told from the client's side: what its program reports, when,
 * and which rule did it.
 */
import { describe, expect, it } from 'vitest';
import type { RuleSpec } from '../../src/firewall/index.js';
import {
  type ConnectReport,
  type Host,
  IpProtocol,
  openvpnClientReset,
  Payload,
  type TcpConnection,
  TcpFlag,
  tlsClientHello,
  type VerdictEvent,
} from '../../src/net/index.js';
import { type FwWorld, makeFwWorld, RTT } from './world.js';

const SMTP: Pick<RuleSpec, 'direction' | 'protocol' | 'destinationPorts'> = { direction: 'outbound', protocol: 'tcp', destinationPorts: 25 };

/** Opens a connection from `from` to `to`:`port`. */
function connect(_w: FwWorld, from: Host, to: Host, port: number, onConnect?: (r: ConnectReport, c: TcpConnection) => void): TcpConnection {
  return from.tcp.connect(to.address, port, { onConnect });
}

const world = makeFwWorld;

function verdicts(w: FwWorld, flow: number): VerdictEvent[] {
  return w.events.filter((e): e is VerdictEvent => e.type === 'verdict' && e.packet.flow === flow);
}

describe('accept', () => {
  it('lets the connection through and names the rule', () => {
    const w = world({ rules: [{ name: 'allow submission', ...SMTP, destinationPorts: 587, action: 'accept' }], defaultAction: 'drop' });
    const c = connect(w, w.laptop, w.mail, 587);
    w.sim.run({ until: 1 });
    expect(c.report).toMatchObject({ outcome: 'connected', elapsed: expect.closeTo(RTT, 9) as number });
    expect(verdicts(w, c.id).every((v) => v.rule === 'allow submission' && v.action === 'accept')).toBe(true);
    expect(w.firewall.counters('allow submission').flows).toBe(1);
  });
});

describe('drop', () => {
  it('leaves the client waiting until its OS gives up: 131 s on Linux (LIME St. Lucia)', () => {
    const w = world({ rules: [{ name: 'block port 25', ...SMTP, action: 'drop' }] });
    const c = connect(w, w.laptop, w.mail, 25);
    w.sim.run();
    expect(c.report).toMatchObject({ outcome: 'timed-out', elapsed: 131, synsSent: 11 });
    expect(c.report?.errno?.name).toBe('ETIMEDOUT');
    const v = verdicts(w, c.id);
    expect(v).toHaveLength(11);
    expect(v.every((x) => x.rule === 'block port 25' && x.action === 'drop')).toBe(true);
    expect(w.firewall.counters('block port 25').packets).toBe(11);
  });

  it('counts a blocked connection once, however often its SYN is sent again', () => {
    const w = world({ rules: [{ name: 'block port 25', ...SMTP, action: 'drop' }] });
    connect(w, w.laptop, w.mail, 25);
    connect(w, w.laptop, w.mail, 25);
    w.sim.run();
    expect(w.firewall.counters('block port 25')).toMatchObject({ packets: 22, flows: 2 });
  });

  it('gives up after 21 s on Windows', () => {
    const w = world({ rules: [{ name: 'block port 25', ...SMTP, action: 'drop' }] }, { os: 'windows' });
    const c = connect(w, w.laptop, w.mail, 25);
    w.sim.run();
    expect(c.report).toMatchObject({ outcome: 'timed-out', elapsed: 21 });
    expect(c.report?.errno?.name).toBe('WSAETIMEDOUT');
  });
});

describe('reject', () => {
  it('with tcp-reset: refused after the round trip to the edge (Linux), forged from the server', () => {
    const w = world({ rules: [{ name: 'reset 25', ...SMTP, action: { type: 'reject', with: 'tcp-reset' } }] });
    const c = connect(w, w.laptop, w.mail, 25);
    w.sim.run();
    expect(c.report).toMatchObject({ outcome: 'refused', elapsed: expect.closeTo(0.01, 9) as number });
    expect(c.report?.errno).toMatchObject({ name: 'ECONNREFUSED', code: 111 });
    const rst = w.events.find((e) => e.type === 'inject');
    expect(rst).toMatchObject({ rule: 'reset 25' });
    expect(rst?.type === 'inject' && rst.packet.src).toBe(w.mail.address);
    expect(rst?.type === 'inject' && rst.packet.flags & TcpFlag.RST).toBeTruthy();
  });

  it('with tcp-reset: about 2 s on Windows, which re-sends the SYN after each RST', () => {
    const w = world({ rules: [{ name: 'reset 25', ...SMTP, action: { type: 'reject', with: 'tcp-reset' } }] }, { os: 'windows' });
    const c = connect(w, w.laptop, w.mail, 25);
    w.sim.run();
    expect(c.report?.outcome).toBe('refused');
    expect(c.report?.elapsed).toBeGreaterThanOrEqual(2);
    expect(c.report?.elapsed).toBeLessThan(2.2);
    expect(w.firewall.counters('reset 25').packets).toBe(5);
  });

  it('with icmp-port-unreachable: refused at once, indistinguishable from a RST on Linux', () => {
    const w = world({ rules: [{ name: 'reject 25', ...SMTP, action: 'reject' }] });
    const c = connect(w, w.laptop, w.mail, 25);
    w.sim.run();
    expect(c.report).toMatchObject({ outcome: 'refused', elapsed: expect.closeTo(0.01, 9) as number });
    expect(c.report?.errno?.name).toBe('ECONNREFUSED');
  });

  it('with icmp-admin-prohibited: "No route to host" on Linux, "Connection refused" on macOS', () => {
    for (const [os, outcome, name] of [['linux', 'unreachable', 'EHOSTUNREACH'], ['macos', 'refused', 'ECONNREFUSED']] as const) {
      const w = world({ rules: [{ name: 'prohibit 25', ...SMTP, action: { type: 'reject', with: 'icmp-admin-prohibited' } }] }, { os });
      const c = connect(w, w.laptop, w.mail, 25);
      w.sim.run();
      expect(c.report).toMatchObject({ outcome, elapsed: expect.closeTo(0.01, 9) as number });
      expect(c.report?.errno?.name).toBe(name);
    }
  });

  it('with icmp-host-unreachable: a soft error, so modern Linux keeps trying and reports EHOSTUNREACH at 131 s', () => {
    const w = world({ rules: [{ name: 'unreachable 25', ...SMTP, action: { type: 'reject', with: 'icmp-host-unreachable' } }] });
    const c = connect(w, w.laptop, w.mail, 25);
    w.sim.run();
    expect(c.report).toMatchObject({ outcome: 'unreachable', elapsed: 131 });
    expect(c.report?.errno?.name).toBe('EHOSTUNREACH');
  });
});

describe('reset after inspection (T-Mobile UK, 2011)', () => {
  const policy = {
    rules: [
      { name: 'reset SMTPS', direction: 'outbound', protocol: 'tcp', destination: { hosts: ['smtp.operator.example'], not: true }, app: 'tls-client-hello', action: 'reset-after-inspection' },
      { name: 'reset STARTTLS', direction: 'outbound', protocol: 'tcp', destination: { hosts: ['smtp.operator.example'], not: true }, app: 'smtp-starttls', action: 'reset-after-inspection' },
    ],
  } as const;

  it('lets the handshake through, then resets both ends right after the ClientHello', () => {
    const w = world({ rules: [...policy.rules] });
    const serverEnds: string[] = [];
    w.mail.tcp.listen(993, (s) => (s.onEnd = (e) => serverEnds.push(`${e.reason} ${e.errno?.name ?? ''}`)));
    const c = connect(w, w.laptop, w.mail, 993, (r, conn) => {
      if (r.outcome === 'connected') conn.send(tlsClientHello());
    });
    w.sim.run();
    expect(c.report?.connectedAfter).toBeCloseTo(RTT, 9);
    expect(c.report).toMatchObject({ outcome: 'reset', elapsed: expect.closeTo(RTT + 0.01, 9) as number });
    expect(c.report?.errno?.name).toBe('ECONNRESET');
    // "lost connection … Connection reset by peer" on the server too.
    expect(serverEnds).toEqual(['reset ECONNRESET']);
    const v = verdicts(w, c.id).filter((x) => x.action !== 'accept');
    expect(v).toMatchObject([{ rule: 'reset SMTPS', action: 'reset' }]);
  });

  it('resets an SMTP session when the client says STARTTLS, but not on the way to the operator\'s own server', () => {
    for (const [target, expected] of [['mail.example', 'reset'], ['smtp.operator.example', 'connected']] as const) {
      const w = world({ rules: [...policy.rules] });
      const replies: string[] = [];
      const c = w.laptop.tcp.connect(w.net.dns.resolve(target) as number, 25, {
        onMessage: (p, conn) => {
          replies.push(p.summary());
          if (p.text?.startsWith('220 ') === true && replies.length === 1) conn.send(Payload.text('smtp', 'EHLO laptop\r\n'));
          if (p.text?.startsWith('250-') === true) conn.send(Payload.text('smtp', 'STARTTLS\r\n'));
        },
      });
      w.sim.run({ until: 10 });
      expect(c.report?.outcome).toBe(expected);
      if (expected === 'reset') expect(replies).toEqual(['220 mail.example ESMTP', '250-mail.example …']);
      else expect(replies.at(-1)).toBe('220 2.0.0 Ready to start TLS');
    }
  });

  it('resets OpenVPN on any port when the contract forbids VPNs, and spares contracts that allow them', () => {
    const w = world({ rules: [{ name: 'no VPN on prepaid', contract: { vpnAllowed: false }, app: 'openvpn', action: 'reset-after-inspection' }] });
    w.mail.tcp.listen(993);
    const outcomes: string[] = [];
    for (const h of [w.phone, w.laptop]) {
      connect(w, h, w.mail, 993, (r, conn) => {
        if (r.outcome === 'connected') conn.send(openvpnClientReset(true));
        conn.onEnd = (e) => outcomes.push(`${h.name} ${e.reason}`);
      });
    }
    w.sim.run({ until: 5 });
    expect(outcomes).toEqual(['phone reset']);
  });
});

describe('redirect', () => {
  it('sends port 25 transparently to the smart host: the client sees its banner while believing it talks to the server', () => {
    const w = world({ rules: [{ name: 'intercept 25', ...SMTP, action: { type: 'redirect', to: 'smtp.operator.example' } }] });
    const got: string[] = [];
    const c = w.laptop.tcp.connect(w.mail.address, 25, { onMessage: (p) => got.push(p.summary()) });
    w.sim.run({ until: 2 });
    expect(c.report?.outcome).toBe('connected');
    expect(got).toEqual(['220 smtp.operator.example ESMTP']);
    const delivered = w.events.filter((e) => e.type === 'deliver' && e.host === 'laptop' && e.packet.flow === c.id);
    expect(delivered.every((e) => e.type === 'deliver' && e.packet.src === w.mail.address)).toBe(true);
    expect(w.events.some((e) => e.type === 'deliver' && e.host === 'mail.example')).toBe(false);
    expect(verdicts(w, c.id)[0]).toMatchObject({ rule: 'intercept 25', action: 'redirect smtp.operator.example' });
  });
});

describe('strip STARTTLS (Cricket Wireless, 2014)', () => {
  it('overwrites the STARTTLS offer in the EHLO reply, so the client never starts TLS', () => {
    const w = world({ rules: [{ name: 'no STARTTLS', ...SMTP, app: 'smtp', action: 'strip-starttls' }] });
    const got: string[] = [];
    w.laptop.tcp.connect(w.mail.address, 25, {
      onMessage: (p, conn) => {
        got.push(p.text ?? '');
        if (got.length === 1) conn.send(Payload.text('smtp', 'EHLO laptop\r\n'));
      },
    });
    w.sim.run({ until: 2 });
    expect(got[1]).toBe('250-mail.example\r\n250-XXXXXXXA\r\n250 SIZE 10240000\r\n');
    const rewrite = w.events.find((e) => e.type === 'verdict' && e.result !== null);
    expect(rewrite).toMatchObject({ rule: 'no STARTTLS', action: 'strip-starttls', direction: 'inbound' });
  });
});

describe('rate limit', () => {
  it('lets a subscriber open `burst` connections, then drops SYNs until a token comes back', () => {
    const w = world({ rules: [{ name: '2 per minute', ...SMTP, action: { type: 'rate-limit', rate: 1 / 30, burst: 2, unit: 'connection' } }] });
    const outcomes: string[] = [];
    for (const t of [0, 1, 2, 40]) {
      w.sim.at(t, () => connect(w, w.laptop, w.mail, 25, (r) => outcomes.push(`${t}: ${r.outcome} after ${r.elapsed.toFixed(2)} s`)));
    }
    // The phone has a bucket of its own.
    w.sim.at(2, () => connect(w, w.phone, w.mail, 25, (r) => outcomes.push(`phone: ${r.outcome} after ${r.elapsed.toFixed(2)} s`)));
    w.sim.run({ until: 200 });
    // The attempt at 2 s waits for a token: its SYNs at 19 s in find 0.7 of one, the SYN
    // re-sent 35 s in finds 1.2. The attempt at 40 s finds the bucket low again, and also
    // gets through with its SYN of 35 s in.
    expect(outcomes).toEqual([
      '0: connected after 0.05 s',
      '1: connected after 0.05 s',
      'phone: connected after 0.05 s',
      '2: connected after 35.05 s',
      '40: connected after 35.05 s',
    ]);
  });

  it('over the limit with over: "reset", refuses new connections at once', () => {
    const w = world({ rules: [{ name: 'one at a time', ...SMTP, action: { type: 'rate-limit', rate: 0.001, burst: 1, per: 'rule', unit: 'connection', over: 'reset' } }] });
    const outcomes: string[] = [];
    connect(w, w.laptop, w.mail, 25, (r) => outcomes.push(`laptop ${r.outcome}`));
    w.sim.at(0.5, () => connect(w, w.phone, w.mail, 25, (r) => outcomes.push(`phone ${r.outcome} ${r.elapsed.toFixed(2)}`)));
    w.sim.run({ until: 5 });
    expect(outcomes).toEqual(['laptop connected', 'phone refused 0.01']);
    const v = w.events.find((e) => e.type === 'verdict' && e.action.startsWith('rate-limit'));
    expect(v).toMatchObject({ rule: 'one at a time', action: 'rate-limit: reject tcp-reset' });
  });
});

describe('log', () => {
  it('counts and records without deciding: the next rule does', () => {
    const w = world({ rules: [{ name: 'watch 25', ...SMTP, action: 'log' }, { name: 'block 25', ...SMTP, action: 'drop' }] });
    const c = connect(w, w.laptop, w.mail, 25);
    w.sim.run({ until: 2 });
    expect(w.firewall.counters('watch 25').packets).toBe(2);
    expect(w.firewall.counters('block 25').packets).toBe(2);
    expect(verdicts(w, c.id).map((v) => `${v.rule} ${v.action}`)).toEqual(['watch 25 log', 'block 25 drop', 'watch 25 log', 'block 25 drop']);
  });
});

describe('connection tracking', () => {
  it('lets replies of an outbound flow in while unsolicited inbound connections are dropped', () => {
    const w = world({ rules: [{ name: 'outbound ok', direction: 'outbound', action: 'accept' }], defaultAction: 'drop' });
    w.laptop.tcp.listen(25);
    const out = connect(w, w.laptop, w.mail, 25);
    const inbound = w.mail.tcp.connect(w.laptop.address, 25);
    w.sim.run();
    expect(out.report?.outcome).toBe('connected');
    expect(inbound.report?.outcome).toBe('timed-out');
    expect(w.firewall.counters(null).flows).toBeGreaterThan(0);
    expect(w.firewall.flows.size).toBe(1);
  });

  it("lets a UDP answer in while the flow is tracked, and not once it has been idle for 120 s (conntrack's answered-UDP timeout)", () => {
    const w = world({ rules: [{ name: 'outbound ok', direction: 'outbound', action: 'accept' }], defaultAction: 'drop' });
    const server = w.mail.udp.bind(500);
    server.onDatagram = (_p, from, port) => {
      server.send(from, port, Payload.opaque('ike', 300));
      w.sim.after(100, () => server.send(from, port, Payload.opaque('ike', 300)));
      w.sim.after(230, () => server.send(from, port, Payload.opaque('ike', 300)));
    };
    const heard: number[] = [];
    const sock = w.laptop.udp.bind();
    sock.onDatagram = () => heard.push(Math.round(w.sim.now));
    sock.send(w.mail.address, 500, Payload.opaque('ike', 300));
    w.sim.run();
    expect(heard).toEqual([0, 100]);
    expect(w.firewall.counters(null).packets).toBe(1);
  });

  it('answers "which rule did this to me?" from the firewall\'s own log', () => {
    const w = world({ rules: [{ name: 'block 25', ...SMTP, action: 'drop' }] }, { firewall: { keepLog: true } });
    const c = connect(w, w.laptop, w.mail, 25, undefined);
    w.sim.run({ until: 1.5 });
    expect(w.firewall.explain(c.id).map((r) => `${r.time}: ${r.rule} ${r.action}`)).toEqual(['0.005: block 25 drop', '1.005: block 25 drop']);
  });
});

describe('time windows', () => {
  it('switches a policy on mid-run: connections before it pass, after it are dropped', () => {
    const w = world({ rules: [{ name: 'block 25 from t=100', ...SMTP, window: { from: 100 }, action: 'drop' }] });
    const outcomes: string[] = [];
    for (const t of [50, 150]) w.sim.at(t, () => connect(w, w.laptop, w.mail, 25, (r) => outcomes.push(`${t}: ${r.outcome}`)));
    w.sim.run();
    expect(outcomes).toEqual(['50: connected', '150: timed-out']);
  });
});

describe('protocols without ports', () => {
  it('matches raw IP protocols: ESP dropped by protocol number', () => {
    const w = world({ rules: [{ name: 'no ESP', direction: 'outbound', protocol: 'esp', action: 'drop' }] });
    let arrived = 0;
    w.mail.ip.open(IpProtocol.ESP).onPacket = () => arrived++;
    w.laptop.ip.open(IpProtocol.ESP).send(w.mail.address, Payload.opaque('esp', 100));
    w.sim.run();
    expect(arrived).toBe(0);
    expect(w.firewall.counters('no ESP').packets).toBe(1);
  });
});
