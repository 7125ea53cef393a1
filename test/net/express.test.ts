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

describe('repeated SYNs planned at once', () => {
  interface Blocked {
    /** The block's counters and the line's bytes, read every quarter second. */
    readings: string[];
    outcome: string;
    events: number;
  }

  /**
   * A client whose SYNs to port 25 its ISP drops, run with the express path; `plan` lets
   * both ends count as staying put, which is what lets the border take the repeats at once.
   */
  function blocked(plan: boolean, options: { appTimeout?: number; abortAt?: number; blockUntil?: number; os?: string } = {}): Blocked {
    const sim = new Simulation();
    const net = new Network(sim, { seed: 7 });
    const home = net.addIsp({ name: 'home', prefixes: ['10.1.0.0/16'] });
    const hosting = net.addIsp({ name: 'hosting', prefixes: ['192.0.2.0/24'] });
    net.core.setPath(home, hosting, 0.02);
    const client = net.addHost({ name: 'client', os: options.os ?? 'linux' });
    home.subscribe(client, lineClass({ name: 'dsl', latency: 0.012 }), { subscriber: 'home/client' });
    const server = hosting.host(net.addHost({ name: 'mx' }));
    server.tcp.listen(25);
    const window = options.blockUntil === undefined ? {} : { window: { until: options.blockUntil } };
    const fw = new Firewall({ rules: [{ name: 'block-25', direction: 'outbound', protocol: 'tcp', destinationPorts: 25, action: 'drop', ...window }] });
    home.filter = fw;
    net.express = () => true;
    if (plan) net.direct = () => true;
    let outcome = 'pending';
    // Started at an odd moment, so that no SYN falls on a reading.
    sim.at(0.1, () => {
      const c = client.tcp.connect(server.address, 25, {
        ...(options.appTimeout === undefined ? {} : { timeout: options.appTimeout }),
        onConnect: (r) => (outcome = `${r.outcome} ${r.errno?.name ?? ''} after ${r.elapsed.toFixed(6)} s, ${r.synsSent} SYNs`),
        onEnd: (e) => (outcome += `; end ${e.reason} at ${sim.now.toFixed(6)}`),
      });
      if (options.abortAt !== undefined) sim.at(options.abortAt, () => c.abort());
    });
    const readings: string[] = [];
    const line = home.lines.get('home/client');
    for (let t = 0.25; t <= 200; t += 0.25) {
      sim.run({ until: t });
      const c = fw.counters('block-25');
      readings.push(`${t}: ${c.packets} packets, ${c.flows} flows, ${line?.bytesOut ?? 0} bytes out, next ${net.plannedAt() === Infinity ? '-' : net.plannedAt().toFixed(3)}`);
    }
    return { readings: readings.map((r) => r.replace(/, next .*$/, '')), outcome, events: sim.eventsExecuted };
  }

  it('counts each repeat at its moment and ends the attempt as sending them one by one does', () => {
    const one = blocked(false);
    const planned = blocked(true);
    expect(planned.outcome).toBe(one.outcome);
    expect(planned.outcome).toBe('timed-out ETIMEDOUT after 131.000000 s, 11 SYNs; end timed-out at 131.100000');
    expect(planned.readings).toEqual(one.readings);
    // The first SYN and ten repeats, counted as they go.
    expect(planned.readings[3]).toBe('1: 1 packets, 1 flows, 40 bytes out');
    expect(planned.readings.at(-1)).toBe('200: 11 packets, 1 flows, 440 bytes out');
    // Nine of the ten repeats cost no event.
    expect(one.events - planned.events).toBe(9);
  });

  it('withdraws the repeats after the application gives up or aborts', () => {
    for (const options of [{ appTimeout: 30 }, { appTimeout: 31.9 }, { abortAt: 12.3 }]) {
      const one = blocked(false, options);
      const planned = blocked(true, options);
      expect({ options, outcome: planned.outcome }).toEqual({ options, outcome: one.outcome });
      expect(planned.readings).toEqual(one.readings);
      expect(planned.events).toBeLessThan(one.events);
    }
    expect(blocked(true, { abortAt: 12.3 }).readings.at(-1)).toBe('200: 8 packets, 1 flows, 320 bytes out');
  });

  it('sends the repeats one by one when the rule switches off before the last', () => {
    // The block ends 20 s in: the repeat at 35.1 s gets through and the connection opens.
    const one = blocked(false, { blockUntil: 20 });
    const planned = blocked(true, { blockUntil: 20 });
    expect(planned.outcome).toBe(one.outcome);
    expect(planned.outcome).toMatch(/^connected .* 10 SYNs$/);
    expect(planned.readings).toEqual(one.readings);
    expect(planned.events).toBe(one.events);
  });

  it('is taken for every schedule of retransmissions', () => {
    for (const os of ['windows', 'linux-classic', 'macos']) {
      const one = blocked(false, { os });
      const planned = blocked(true, { os });
      expect({ os, outcome: planned.outcome }).toEqual({ os, outcome: one.outcome });
      expect(planned.readings).toEqual(one.readings);
    }
  });
});
