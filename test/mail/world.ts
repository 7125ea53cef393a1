/**
 * A small mail world for the mail tests: a subscriber on an access ISP, and servers at a
 * hosting ISP, with fixed delays (a client ↔ server round trip is exactly 50 ms).
 */
import { RandomStreams, Simulation } from '../../src/engine/index.js';
import { type Host, type Isp, lineClass, Network, type Packet } from '../../src/net/index.js';
import { type MailMessage, MessageLife, type TrafficClass } from '../../src/mail/index.js';

export interface MailWorld {
  sim: Simulation;
  net: Network;
  access: Isp;
  hosting: Isp;
  laptop: Host;
  streams: RandomStreams;
  /** Adds a server host at the hosting ISP, named in DNS. */
  server(name: string): Host;
  /** Every SMTP or TLS payload summary seen on the wire, "→" from the laptop, "←" to it. */
  wire(): string[];
  message(opts?: Partial<MailMessage>): MailMessage;
}

export function mailWorld(os = 'linux'): MailWorld {
  const sim = new Simulation();
  const net = new Network(sim, { seed: 7 });
  const access = net.addIsp({ name: 'access', prefixes: ['10.1.0.0/16'] });
  const hosting = net.addIsp({ name: 'hosting', prefixes: ['192.0.2.0/24'], hostingLatency: 0 });
  net.core.setPath(access, hosting, 0.02);
  const laptop = net.addHost({ name: 'laptop', os });
  access.subscribe(laptop, lineClass({ name: 'consumer-adsl', latency: 0.005 }), { subscriber: 'access/laptop' });
  const seen: string[] = [];
  net.observe((e) => {
    if (e.type !== 'deliver') return;
    const p: Packet = e.packet;
    if (p.payload === null) return;
    if (p.dst === laptop.address) seen.push(`← ${p.payload.summary()}`);
    else if (p.src === laptop.address) seen.push(`→ ${p.payload.summary()}`);
  });
  let nextId = 1;
  return {
    sim,
    net,
    access,
    hosting,
    laptop,
    streams: new RandomStreams(7),
    server(name) {
      const h = net.addHost({ name, role: 'mta' });
      hosting.host(h);
      net.dns.set(name, h);
      return h;
    },
    wire: () => seen,
    message(opts = {}) {
      return {
        id: nextId++,
        cls: 'legit' as TrafficClass,
        from: 'alice@home.example',
        to: ['bob@esp.example'],
        size: 2000,
        createdAt: sim.now,
        group: 'adsl-users',
        client: 0,
        ...opts,
      };
    },
  };
}

/** A message life for MTA tests. */
export function lifeOf(m: MailMessage): MessageLife {
  return new MessageLife(m);
}
