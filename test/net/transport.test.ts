import { describe, expect, it } from 'vitest';
import {
  type BorderFilter,
  espPacket,
  IpProtocol,
  type Packet,
  Payload,
  pptpGre,
  type TcpEnd,
  TcpFlag,
} from '../../src/net/index.js';
import { makeWorld, RTT } from './world.js';

describe('TCP data', () => {
  it('carries messages in order, one segment each, with sequence numbers that add up and a FIN exchange', () => {
    const w = makeWorld();
    const segs: Packet[] = [];
    w.net.observe((e) => {
      if (e.type === 'send') segs.push(e.packet);
    });
    w.server.tcp.listen(25, (c) => {
      c.send(Payload.text('smtp', '220 smtp.example ESMTP\r\n'));
      c.onMessage = (p) => {
        if (p.text?.startsWith('QUIT')) {
          c.send(Payload.text('smtp', '221 bye\r\n'));
          c.close();
        } else c.send(Payload.text('smtp', '250 ok\r\n'));
      };
    });
    const got: string[] = [];
    let end: TcpEnd | null = null;
    w.client.tcp.connect(w.server.address, 25, {
      onMessage: (p, c) => {
        got.push(p.summary());
        if (got.length === 1) c.send(Payload.text('smtp', 'EHLO laptop\r\n'));
        else if (got.length === 2) c.send(Payload.text('smtp', 'QUIT\r\n'));
      },
      onEnd: (e) => (end = e),
    });
    w.sim.run();
    expect(got).toEqual(['220 smtp.example ESMTP', '250 ok', '221 bye']);
    expect(end).toMatchObject({ reason: 'closed', errno: null });
    const [syn, synAck, ack] = segs as [Packet, Packet, Packet];
    expect(syn.flags).toBe(TcpFlag.SYN);
    expect(synAck.flags).toBe(TcpFlag.SYN | TcpFlag.ACK);
    expect(synAck.ack).toBe((syn.seq + 1) >>> 0);
    expect(ack.ack).toBe((synAck.seq + 1) >>> 0);
    // Each data segment starts where the previous one from the same end stopped.
    for (const side of [w.client.address, w.server.address]) {
      const mine = segs.filter((s) => s.src === side && (s.length > 0 || s.has(TcpFlag.FIN)));
      for (let i = 1; i < mine.length; i++) {
        const prev = mine[i - 1] as Packet;
        expect(mine[i]?.seq).toBe((prev.seq + prev.length + (prev.has(TcpFlag.FIN) ? 1 : 0)) >>> 0);
      }
    }
    expect(segs.filter((s) => s.has(TcpFlag.FIN))).toHaveLength(2);
    expect(w.client.tcp.connectionCount + w.server.tcp.connectionCount).toBe(0);
  });

  it('resends a lost segment after the retransmission timeout', () => {
    const w = makeWorld();
    let dropped = 0;
    const lossy: BorderFilter = {
      filter: (p) => {
        if (p.length > 0 && p.payload?.text?.startsWith('EHLO') === true && dropped === 0) {
          dropped++;
          return null;
        }
        return p;
      },
    };
    w.access.filter = lossy;
    const arrivals: number[] = [];
    w.server.tcp.listen(25, (c) => {
      c.onMessage = () => arrivals.push(w.sim.now);
    });
    w.client.tcp.connect(w.server.address, 25, { onConnect: (_r, c) => c.send(Payload.text('smtp', 'EHLO laptop\r\n')) });
    w.sim.run({ until: 10 });
    expect(dropped).toBe(1);
    expect(arrivals).toHaveLength(1);
    // First RTO = max(200 ms, 3 × RTT) after sending at t = RTT; delivery half an RTT later.
    expect(arrivals[0]).toBeCloseTo(RTT + 0.2 + RTT / 2, 9);
  });

  it('times the retransmission from the lost segment, not from earlier segments that were answered', () => {
    const w = makeWorld();
    let dropped = 0;
    const lossy: BorderFilter = {
      filter: (p) => (p.payload?.text?.startsWith('RCPT') === true && dropped++ === 0 ? null : p),
    };
    const rcptSent: number[] = [];
    w.net.observe((e) => {
      if (e.type === 'send' && e.packet.payload?.text?.startsWith('RCPT') === true) rcptSent.push(e.time);
    });
    w.access.filter = lossy;
    const arrivals: string[] = [];
    w.server.tcp.listen(25, (c) => {
      c.onMessage = (p) => {
        arrivals.push(`${(p.text ?? '').trim()}@${w.sim.now.toFixed(3)}`);
        c.send(Payload.text('smtp', '250 ok\r\n'));
      };
    });
    const commands = ['EHLO laptop', 'MAIL FROM:<a@example.net>', 'RCPT TO:<b@example.com>'];
    w.client.tcp.connect(w.server.address, 25, {
      onConnect: (_r, c) => c.send(Payload.text('smtp', `${commands.shift() ?? ''}\r\n`)),
      onMessage: (_p, c) => {
        const next = commands.shift();
        if (next !== undefined) c.send(Payload.text('smtp', `${next}\r\n`));
      },
    });
    w.sim.run({ until: 10 });
    // The handshake and two exchanges take a round trip each; RCPT, lost when sent at 3 RTT,
    // is resent one RTO (200 ms) after that, not one RTO after the first command.
    expect(rcptSent.map((t) => t.toFixed(3))).toEqual([(3 * RTT).toFixed(3), (3 * RTT + 0.2).toFixed(3)]);
    expect(arrivals).toEqual([`EHLO laptop@${(1.5 * RTT).toFixed(3)}`, `MAIL FROM:<a@example.net>@${(2.5 * RTT).toFixed(3)}`, `RCPT TO:<b@example.com>@${(3 * RTT + 0.2 + RTT / 2).toFixed(3)}`]);
  });

  it('serves processes: yield conn.connected, then conn.inbox', () => {
    const w = makeWorld();
    w.server.tcp.listen(587, (c) => c.send(Payload.text('smtp', '220 submission ready\r\n')));
    const log: string[] = [];
    w.sim.process(
      (function* () {
        const conn = w.client.tcp.connect(w.server.address, 587);
        const report = yield conn.connected;
        log.push(`${w.sim.now.toFixed(3)} ${report.outcome}`);
        const greeting = yield conn.inbox;
        log.push(`${w.sim.now.toFixed(3)} ${(greeting as Payload).summary()}`);
        conn.close();
        const end = (yield conn.inbox) as TcpEnd;
        log.push(`${w.sim.now.toFixed(3)} ${end.reason}`);
      })(),
    );
    w.sim.run();
    // The server accepts when the handshake's last ACK arrives (75 ms) and greets at once; the
    // close ends when the server's FIN comes back, one round trip after ours.
    expect(log).toEqual(['0.050 connected', '0.100 220 submission ready', '0.150 closed']);
  });
});

describe('UDP', () => {
  it('delivers datagrams and answers; a datagram to a closed port brings back ECONNREFUSED', () => {
    const w = makeWorld();
    const server = w.server.udp.bind(500);
    server.onDatagram = (p, from, port) => server.send(from, port, Payload.opaque('ike', p.length));
    const sock = w.client.udp.bind();
    const got: string[] = [];
    sock.onDatagram = (p, from) => got.push(`${p.label} from ${from === w.server.address ? 'server' : '?'}`);
    sock.onError = (e) => got.push(e.name);
    sock.send(w.server.address, 500, Payload.opaque('ike', 300));
    sock.send(w.server.address, 4500, Payload.opaque('ike', 300));
    w.sim.run();
    expect(got).toEqual(['ike from server', 'ECONNREFUSED']);
  });

  it('reports nothing at all when a datagram is dropped: the application must time out on its own', () => {
    const w = makeWorld();
    w.access.filter = { filter: (p) => (p.protocol === IpProtocol.UDP ? null : p) };
    w.server.udp.bind(51820).onDatagram = () => {
      throw new Error('should not arrive');
    };
    const sock = w.client.udp.bind();
    let heard = false;
    sock.onDatagram = () => (heard = true);
    sock.onError = () => (heard = true);
    sock.send(w.server.address, 51820, Payload.opaque('wireguard', 148));
    w.sim.run();
    expect(heard).toBe(false);
  });
});

describe('raw IP (ESP 50, GRE 47)', () => {
  it('delivers ESP to the handler of protocol 50, and answers GRE with protocol-unreachable when nothing handles 47', () => {
    const w = makeWorld();
    const gotEsp: number[] = [];
    w.server.ip.open(IpProtocol.ESP).onPacket = (p) => gotEsp.push(p.length);
    const esp = w.client.ip.open(IpProtocol.ESP);
    esp.send(w.server.address, espPacket(0x1234, 1, 120));
    const gre = w.client.ip.open(IpProtocol.GRE);
    const errors: string[] = [];
    gre.onError = (e) => errors.push(e.name);
    gre.send(w.server.address, pptpGre(7, 100));
    w.sim.run();
    expect(gotEsp).toEqual([120]);
    expect(errors).toEqual(['ENOPROTOOPT']);
  });
});

describe('packets as records', () => {
  it('carry what a pcap writer needs: addresses, ports, flags, numbers and the payload bytes', () => {
    const w = makeWorld();
    const sent: Packet[] = [];
    w.net.observe((e) => {
      if (e.type === 'send') sent.push(e.packet);
    });
    w.server.tcp.listen(25, (c) => c.send(Payload.text('smtp', '220 hi\r\n')));
    w.client.tcp.connect(w.server.address, 25);
    w.sim.run({ until: 1 });
    const data = sent.find((p) => p.length > 0) as Packet;
    expect(data.toString()).toMatch(/^192\.0\.2\.2:25 > 10\.1\.0\.2:\d+ TCP \[P\.\] seq=\d+ ack=\d+ len=8 "220 hi"$/);
    expect(Buffer.from(data.payload?.bytes() ?? []).toString()).toBe('220 hi\r\n');
    expect(sent.map((p) => p.id)).toEqual(sent.map((_, i) => i + 1));
    expect(new Set(sent.map((p) => p.flow)).size).toBe(1);
    const esp = espPacket(0xabcd, 7, 64).bytes();
    expect(esp.length).toBe(64);
    expect([...esp.slice(0, 8)]).toEqual([0, 0, 0xab, 0xcd, 0, 0, 0, 7]);
  });
});
