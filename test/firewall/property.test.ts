/**
 * Property: a packet never passes the firewall when a drop or reject rule that matches it
 * comes before every accept rule that matches it. Checked end to end through
 * `Firewall.filter`, against a matcher written separately here.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Simulation } from '../../src/engine/index.js';
import { Firewall, type RuleSpec } from '../../src/firewall/index.js';
import { type AccessLine, type Address, type Direction, IpProtocol, LINE_CLASSES, Network, type Packet, parseAddress, parsePrefix, Payload, TcpFlag, tcpSegment, udpDatagram } from '../../src/net/index.js';

const BLOCKS = ['198.51.100.0/24', '198.51.0.0/16', '203.0.113.0/24', '10.20.0.0/16'];
const REMOTES = ['198.51.100.7', '198.51.7.1', '203.0.113.9', '192.0.2.1'].map(parseAddress);

interface Gen {
  direction?: Direction;
  protocol?: 'tcp' | 'udp';
  ports?: [number, number];
  prefix?: { block: string; not: boolean };
  lineClass?: string;
  window?: [number, number];
  action: 'accept' | 'drop' | 'reject-icmp' | 'reject-rst' | 'log';
}

const genRule: fc.Arbitrary<Gen> = fc.record(
  {
    direction: fc.constantFrom<Direction>('outbound', 'inbound'),
    protocol: fc.constantFrom<'tcp' | 'udp'>('tcp', 'udp'),
    ports: fc.tuple(fc.integer({ min: 20, max: 30 }), fc.integer({ min: 0, max: 6 })).map(([lo, n]): [number, number] => [lo, lo + n]),
    prefix: fc.record({ block: fc.constantFrom(...BLOCKS), not: fc.boolean() }),
    lineClass: fc.constantFrom('consumer-adsl', 'business'),
    window: fc.tuple(fc.integer({ min: 0, max: 50 }), fc.integer({ min: 1, max: 50 })).map(([a, n]): [number, number] => [a, a + n]),
    action: fc.constantFrom<Gen['action']>('accept', 'drop', 'reject-icmp', 'reject-rst', 'log'),
  },
  { requiredKeys: ['action'] },
);

const genPacket = fc.record({
  time: fc.integer({ min: 0, max: 100 }),
  direction: fc.constantFrom<Direction>('outbound', 'inbound'),
  protocol: fc.constantFrom<'tcp' | 'udp'>('tcp', 'udp'),
  port: fc.integer({ min: 18, max: 38 }),
  remote: fc.constantFrom(...REMOTES),
  line: fc.constantFrom(0, 1),
});

function toSpec(g: Gen, i: number): RuleSpec {
  const action: RuleSpec['action'] =
    g.action === 'reject-icmp' ? { type: 'reject', with: 'icmp-admin-prohibited' } : g.action === 'reject-rst' ? { type: 'reject', with: 'tcp-reset' } : g.action;
  return {
    name: `r${i}`,
    action,
    ...(g.direction === undefined ? {} : { direction: g.direction }),
    ...(g.protocol === undefined ? {} : { protocol: g.protocol }),
    ...(g.ports === undefined ? {} : { destinationPorts: `${g.ports[0]}-${g.ports[1]}` }),
    ...(g.prefix === undefined ? {} : { destination: { prefixes: [g.prefix.block], not: g.prefix.not } }),
    ...(g.lineClass === undefined ? {} : { lineClasses: [g.lineClass] }),
    ...(g.window === undefined ? {} : { window: { from: g.window[0], until: g.window[1] } }),
  };
}

/** The oracle: does generated rule `g` match a new flow opened `direction` to `dst`:`port` at `now`? */
function oracle(g: Gen, direction: Direction, protocol: 'tcp' | 'udp', dst: Address, port: number, lineClass: string, now: number): boolean {
  if (g.direction !== undefined && g.direction !== direction) return false;
  if (g.protocol !== undefined && g.protocol !== protocol) return false;
  if (g.ports !== undefined && (port < g.ports[0] || port > g.ports[1])) return false;
  if (g.prefix !== undefined && parsePrefix(g.prefix.block).contains(dst) === g.prefix.not) return false;
  if (g.lineClass !== undefined && g.lineClass !== lineClass) return false;
  if (g.window !== undefined && (now < g.window[0] || now >= g.window[1])) return false;
  return true;
}

describe('first match wins, end to end', () => {
  it('no packet passes that an earlier matching drop or reject rule covers', () => {
    fc.assert(
      fc.property(fc.array(genRule, { maxLength: 8 }), fc.constantFrom<'accept' | 'drop'>('accept', 'drop'), fc.array(genPacket, { minLength: 1, maxLength: 25 }), (gens, defaultAction, packets) => {
        const sim = new Simulation();
        const net = new Network(sim);
        const isp = net.addIsp({ name: 'isp', prefixes: ['10.20.0.0/16'] });
        net.addIsp({ name: 'rest', prefixes: ['198.51.0.0/16', '203.0.113.0/24', '192.0.2.0/24'] });
        const lines: AccessLine[] = [LINE_CLASSES.consumerAdsl, LINE_CLASSES.business].map((c, i) => isp.subscribe(net.addHost({ name: `sub${i}` }), c));
        const fw = new Firewall({ rules: gens.map(toSpec), defaultAction });
        let srcPort = 1000;
        for (const p of [...packets].sort((a, b) => a.time - b.time)) {
          sim.run({ until: p.time });
          const line = lines[p.line] as AccessLine;
          const [src, dst] = p.direction === 'outbound' ? [line.address, p.remote] : [p.remote, line.address];
          const sport = srcPort++;
          const packet: Packet = p.protocol === 'tcp'
            ? tcpSegment(src, sport, dst, p.port, TcpFlag.SYN, 1, 0)
            : udpDatagram(src, sport, dst, p.port, Payload.opaque('x', 20));
          const passed = fw.filter(packet, p.direction, line, net) !== null;
          const first = gens.find((g) => g.action !== 'log' && oracle(g, p.direction, p.protocol, dst, p.port, line.lineClass.name, sim.now));
          const allowed = first === undefined ? defaultAction === 'accept' : first.action === 'accept';
          expect(passed).toBe(allowed);
          expect(packet.protocol === IpProtocol.TCP || packet.protocol === IpProtocol.UDP).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });
});
