import { describe, expect, it } from 'vitest';
import { Simulation } from '../../src/engine/index.js';
import { formatAddress, LINE_CLASSES, lognormalLatency, Network, type NetEvent, Payload, Pipe } from '../../src/net/index.js';
import { makeWorld } from './world.js';

describe('ISPs, lines and hosts', () => {
  it('gives each subscriber an address from its ISP and the line class contract terms', () => {
    const { net, access, client } = makeWorld();
    expect(access.owns(client.address)).toBe(true);
    expect(formatAddress(client.address)).toBe('10.1.0.2'); // .1 is the ISP's router
    const phone = net.addHost({ name: 'phone' });
    const line = access.subscribe(phone, LINE_CLASSES.mobilePrepaid);
    expect(line.lineClass.contract.vpnAllowed).toBe(false);
    expect(LINE_CLASSES.business.contract.port25Open).toBe(true);
    expect(line.subscriber).toBe('access/1');
  });

  it('refuses ISPs whose blocks overlap', () => {
    const net = new Network(new Simulation());
    net.addIsp({ name: 'a', prefixes: ['10.0.0.0/8'] });
    expect(() => net.addIsp({ name: 'b', prefixes: ['10.20.0.0/16'] })).toThrow(/overlaps 10.0.0.0\/8 of "a"/);
  });

  it('moves a roaming laptop to another network at a given time: new address, DNS follows, old flows break', () => {
    const { sim, net, client, server } = makeWorld();
    const hotel = net.addIsp({ name: 'hotel', prefixes: ['172.16.0.0/24'] });
    net.dns.set('laptop.example', client);
    server.tcp.listen(25);
    const before = client.address;
    const conn = client.tcp.connect(server.address, 25);
    const moves: NetEvent[] = [];
    net.observe((e) => {
      if (e.type === 'move') moves.push(e);
    });
    net.move(client, hotel, LINE_CLASSES.consumerAdsl, { at: 100 });
    sim.run({ until: 99 });
    expect(conn.report?.outcome).toBe('connected');
    sim.run({ until: 101 });
    expect(hotel.owns(client.address)).toBe(true);
    expect(client.address).not.toBe(before);
    expect(net.dns.resolve('laptop.example')).toBe(client.address);
    expect(moves).toMatchObject([{ host: 'laptop', fromIsp: 'access', toIsp: 'hotel', time: 100 }]);
    // The old connection still sends from the old address; the server's answers find nobody.
    conn.send(Payload.text('smtp', 'EHLO laptop\r\n'));
    sim.run();
    expect(conn.end?.reason).toBe('timed-out');
    expect(conn.end?.errno?.name).toBe('ETIMEDOUT');
  });
});

describe('latency', () => {
  it('keeps packets in order on a pipe whatever the random draws', () => {
    const sim = new Simulation();
    const net = new Network(sim, { seed: 7 });
    const pipe = new Pipe(lognormalLatency(net.stream('path'), 0.04, 1.5));
    let last = 0;
    for (let t = 0; t < 2; t += 0.002) {
      const a = pipe.arrival(t);
      expect(a).toBeGreaterThanOrEqual(last);
      expect(a).toBeGreaterThanOrEqual(t);
      last = a;
    }
  });

  it('shares one pipe between the lines of a class whose delay never varies, and gives a drawn delay a pipe per line', () => {
    const { net, access } = makeWorld();
    const a = access.subscribe(net.addHost({ name: 'a' }), LINE_CLASSES.consumerAdsl);
    const b = access.subscribe(net.addHost({ name: 'b' }), LINE_CLASSES.consumerAdsl);
    expect(LINE_CLASSES.consumerAdsl.latency.fixed).toBeGreaterThan(0);
    expect(b.up).toBe(a.up);
    expect(b.down).toBe(a.up);
    // Its arrivals are each packet's own: now plus the delay, whoever sent before.
    const d = LINE_CLASSES.consumerAdsl.latency.fixed as number;
    expect(a.up.arrival(5)).toBe(5 + d);
    expect(b.up.arrival(5)).toBe(5 + d);
    expect(b.down.arrival(7)).toBe(7 + d);
    const drawn = lognormalLatency(net.stream('drawn'), 0.04, 1);
    expect(net.pipeOf(drawn)).not.toBe(net.pipeOf(drawn));
    // Another network, another run: pipes are never shared between them.
    expect(makeWorld().net.pipeOf(LINE_CLASSES.consumerAdsl.latency)).not.toBe(a.up);
  });

  it('gives the same packets at the same times for the same seed, and different ones for another seed', () => {
    const trace = (seed: number): string[] => {
      const { sim, net, access, hosting, client, server } = makeWorld('linux', seed);
      net.core.setPath(access, hosting, lognormalLatency(net.stream('core/access-hosting'), 0.03, 0.5));
      const out: string[] = [];
      net.observe((e) => {
        if (e.type === 'deliver') out.push(`${e.time.toFixed(9)} ${e.packet.toString()}`);
      });
      server.tcp.listen(25, (c) => c.send(Payload.text('smtp', '220 smtp.example ESMTP\r\n')));
      client.tcp.connect(server.address, 25, { onMessage: (_p, c) => c.close() });
      sim.run();
      return out;
    };
    expect(trace(3)).toEqual(trace(3));
    expect(trace(3)).not.toEqual(trace(4));
  });
});

describe('DNS', () => {
  it('resolves names, orders MX records by preference, and falls back to the implicit MX', () => {
    const { net, server } = makeWorld();
    net.dns.addMx('lime.example', 'mx2.lime.example', 20);
    net.dns.addMx('lime.example', 'mx1.lime.example', 10);
    expect(net.dns.mx('LIME.example').map((m) => m.exchange)).toEqual(['mx1.lime.example', 'mx2.lime.example']);
    expect(net.dns.resolve('SMTP.example')).toBe(server.address);
    expect(net.dns.mx('smtp.example')).toEqual([{ exchange: 'smtp.example', preference: 0 }]);
    expect(net.dns.mx('nowhere.example')).toEqual([]);
    expect(net.dns.resolve('nowhere.example')).toBeNull();
  });
});
