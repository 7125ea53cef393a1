/**
 * The network's express path: a packet nobody records makes one trip instead of three legs,
 * and nothing a host or a firewall sees may change because of it.
 */
import { describe, expect, it } from 'vitest';
import { Simulation } from '../../src/engine/index.js';
import { Firewall } from '../../src/firewall/index.js';
import { type Host, lineClass, lognormalLatency, Network, Payload, type Prefix } from '../../src/net/index.js';

interface Seen {
  /** Every message each end received, with when. */
  log: string[];
  events: number;
  /** Firewall counters of the accepting rule. */
  accepted: { packets: number; bytes: number; flows: number };
  blocked: { packets: number; flows: number };
  bytesOut: number;
}

/** A subscriber talking to a hosted server through its ISP's firewall, with or without express. */
function converse(express: boolean, options: { jitter?: boolean; moveAt?: number; moveTo?: 'home' | 'cafe' } = {}): Seen {
  const sim = new Simulation();
  const net = new Network(sim, { seed: 3 });
  const home = net.addIsp({ name: 'home', prefixes: ['10.1.0.0/16'] });
  const cafe = net.addIsp({ name: 'cafe', prefixes: ['10.2.0.0/16'] });
  net.core.setPath(cafe, net.addIsp({ name: 'unused', prefixes: ['10.3.0.0/16'] }), 0.02);
  const hosting = net.addIsp({ name: 'hosting', prefixes: ['192.0.2.0/24'] });
  net.core.setPath(home, hosting, 0.02);
  const dsl = lineClass({ name: 'dsl', latency: options.jitter === true ? lognormalLatency(net.stream('jitter'), 0.01, 0.5) : 0.012 });
  const client = net.addHost({ name: 'client' });
  home.subscribe(client, dsl, { subscriber: 'home/client' });
  const server = hosting.host(net.addHost({ name: 'server' }));
  const fw = new Firewall({
    rules: [
      { name: 'allow-587', direction: 'outbound', protocol: 'tcp', destinationPorts: 587, action: 'accept' },
      { name: 'block-25', direction: 'outbound', protocol: 'tcp', destinationPorts: 25, action: 'drop' },
    ],
  });
  home.filter = fw;
  if (express) net.express = () => true;
  const log: string[] = [];
  const note = (who: Host, text: string): void => {
    log.push(`${sim.now.toFixed(9)} ${who.name} ${text}`);
  };
  server.tcp.listen(587, (c) => {
    c.send(Payload.text('smtp', '220 ready\r\n'));
    c.onMessage = (p) => {
      note(server, p.text ?? '');
      c.send(Payload.text('smtp', `250 ok ${p.text ?? ''}`));
      if (p.text === 'QUIT') c.close();
    };
    c.onEnd = (e) => note(server, `end ${e.reason}`);
  });
  server.tcp.listen(25, () => undefined);
  let n = 0;
  const conn = client.tcp.connect(server.address, 587, {
    onConnect: (r) => note(client, `connect ${r.outcome}`),
    onMessage: (p, c) => {
      note(client, p.text ?? '');
      if (++n < 5) c.send(Payload.text('smtp', `CMD ${n}`));
      else if (n === 5) c.send(Payload.text('smtp', 'QUIT'));
    },
    onEnd: (e) => note(client, `end ${e.reason}`),
  });
  const blocked = client.tcp.connect(server.address, 25, { onConnect: (r) => note(client, `port 25: ${r.outcome} after ${r.elapsed}`) });
  if (options.moveAt !== undefined) net.move(client, options.moveTo === 'cafe' ? cafe : home, dsl, { at: options.moveAt, subscriber: 'moved/client' });
  sim.run();
  expect(conn.id).not.toBe(blocked.id);
  const a = fw.counters('allow-587');
  const b = fw.counters('block-25');
  return { log, events: sim.eventsExecuted, accepted: { ...a }, blocked: { packets: b.packets, flows: b.flows }, bytesOut: home.lines.get('home/client')?.bytesOut ?? 0 };
}

describe('the express path', () => {
  it('delivers every message at the same moment as the three legs, and keeps the firewall counting', () => {
    const ordinary = converse(false);
    const express = converse(true);
    expect(express.log).toEqual(ordinary.log);
    expect(express.log.some((l) => l.includes('250 ok QUIT'))).toBe(true);
    expect(express.log.some((l) => l.includes('port 25: timed-out'))).toBe(true);
    expect(express.accepted).toEqual(ordinary.accepted);
    expect(express.blocked).toEqual(ordinary.blocked);
    expect(express.bytesOut).toBe(ordinary.bytesOut);
    expect(express.events).toBeLessThan(ordinary.events * 0.7);
  });

  it('is not taken on a path whose delay is drawn per packet', () => {
    const ordinary = converse(false, { jitter: true });
    const express = converse(true, { jitter: true });
    expect(express.log).toEqual(ordinary.log);
    expect(express.events).toBe(ordinary.events);
  });

  it('loses what was on its way to a host that moved away, as the ordinary path does', () => {
    // The client moves to another network 250 ms in, in the middle of the conversation.
    const ordinary = converse(false, { moveAt: 0.25, moveTo: 'cafe' });
    const express = converse(true, { moveAt: 0.25, moveTo: 'cafe' });
    expect(express.log).toEqual(ordinary.log);
    expect(express.log.some((l) => l.includes('250 ok QUIT'))).toBe(false);
  });

  it('delivers to a host that came back under the same address before the packet arrived', () => {
    // A new line at the same ISP hands the freed address straight back: the reply that was
    // past the ISP's edge when the client moved still reaches it.
    const ordinary = converse(false, { moveAt: 0.25, moveTo: 'home' });
    const express = converse(true, { moveAt: 0.25, moveTo: 'home' });
    expect(express.log).toEqual(ordinary.log);
    expect(express.log).toContain('0.260000000 client 250 ok CMD 2');
  });

  it('drops repeated SYNs on the spot only when the rule that dropped the first still does', () => {
    // A SYN to an address nobody holds goes unanswered; a block switched on 5 s in drops the
    // retransmissions from then on. Each verdict must be on record, as on the ordinary way.
    const verdicts = (express: boolean): string[] => {
      const sim = new Simulation();
      const net = new Network(sim, { seed: 5 });
      const home = net.addIsp({ name: 'home', prefixes: ['10.1.0.0/16'] });
      const hosting = net.addIsp({ name: 'hosting', prefixes: ['192.0.2.0/24'] });
      net.core.setPath(home, hosting, 0.02);
      const client = net.addHost({ name: 'client' });
      home.subscribe(client, lineClass({ name: 'dsl', latency: 0.012 }), { subscriber: 'home/client' });
      home.filter = new Firewall({ rules: [{ name: 'block-25', direction: 'outbound', protocol: 'tcp', destinationPorts: 25, action: 'drop', window: { from: 5 } }] });
      if (express) net.express = () => true;
      const seen: string[] = [];
      net.observe((e) => {
        if (e.type === 'verdict') seen.push(`${e.time.toFixed(3)} ${e.rule ?? 'default'} ${e.action}`);
      });
      const c = client.tcp.connect((hosting.prefixes[0] as Prefix).at(99), 25);
      sim.run();
      seen.push(`${c.report?.outcome ?? ''} after ${c.report?.elapsed ?? 0} s, ${c.report?.synsSent ?? 0} SYNs`);
      return seen;
    };
    const ordinary = verdicts(false);
    expect(verdicts(true)).toEqual(ordinary);
    expect(ordinary.filter((v) => v.includes('block-25 drop')).length).toBeGreaterThan(2);
  });
});
