/**
 * Connection tracking files flows under a 52-bit hash of their 5-tuple. Whatever the hash
 * does, a packet must find exactly the flow of its tuple (either way round, or after a
 * redirect), and nothing else: checked against a plain model keyed by the tuple's text, with
 * a deliberately poor hash that makes many tuples share a key.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FlowTable, flowKey } from '../../src/firewall/flow-table.js';
import { IpProtocol, TcpFlag, tcpSegment } from '../../src/net/index.js';

type Tuple = [src: number, srcPort: number, dst: number, dstPort: number];
const text = (t: Tuple): string => t.join('|');
const reverse = ([s, sp, d, dp]: Tuple): Tuple => [d, dp, s, sp];

// A few hosts and ports, so that tuples repeat and collide often.
// (Never a tuple that is its own reverse: a host talking to the same port of itself.)
const tuple = fc
  .tuple(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 3 }))
  .filter(([s, sp, d, dp]) => s !== d || sp !== dp);
const op = fc.oneof(
  fc.record({ kind: fc.constant('open' as const), t: tuple }),
  fc.record({ kind: fc.constant('find' as const), t: tuple }),
  fc.record({ kind: fc.constant('remove' as const), t: tuple }),
  fc.record({ kind: fc.constant('redirect' as const), t: tuple, to: fc.integer({ min: 5, max: 6 }), port: fc.integer({ min: 1, max: 3 }) }),
);

describe('the flow table', () => {
  for (const [name, keyOf] of [
    ['its own hash', flowKey],
    ['a hash that makes many tuples share a key', (_p: number, src: number, _sp: number, dst: number) => (src + dst) % 3],
  ] as const) {
    it(`finds each packet's flow, either way round, as a table keyed by the tuple would (${name})`, () => {
      fc.assert(
        fc.property(fc.array(op, { maxLength: 60 }), (ops) => {
          const table = new FlowTable(keyOf);
          // The model: flow number by tuple text, both directions; redirects move the reply side.
          const model = new Map<string, { id: number; forward: boolean }>();
          const ids = new Map<object, number>();
          const entries = new Map<number, ReturnType<FlowTable['open']>>();
          const reply = new Map<number, Tuple>();
          let next = 0;
          for (const o of ops) {
            const packet = tcpSegment(o.t[0], o.t[1], o.t[2], o.t[3], TcpFlag.ACK, 0, 0);
            const found = table.find(packet, 0);
            const want = model.get(text(o.t));
            expect(found === undefined ? undefined : { id: ids.get(found), forward: table.forward }).toEqual(want);
            if (o.kind === 'open' && found === undefined) {
              const e = table.open(packet, 'outbound', 0);
              const id = ++next;
              ids.set(e, id);
              entries.set(id, e);
              model.set(text(o.t), { id, forward: true });
              model.set(text(reverse(o.t)), { id, forward: false });
              reply.set(id, reverse(o.t));
            } else if (o.kind === 'remove' && found !== undefined && want !== undefined) {
              table.remove(found);
              for (const [k, v] of [...model]) if (v.id === want.id) model.delete(k);
            } else if (o.kind === 'redirect' && found !== undefined && want !== undefined && want.forward && found.natAddress === null) {
              const old = reply.get(want.id) as Tuple;
              if (model.has(text([o.to, o.port, old[2], old[3]]))) continue;
              table.redirect(found, o.to, o.port);
              model.delete(text(old));
              const moved: Tuple = [o.to, o.port, old[2], old[3]];
              model.set(text(moved), { id: want.id, forward: false });
              reply.set(want.id, moved);
            }
          }
          expect(table.size).toBe(new Set([...model.values()].map((v) => v.id)).size);
        }),
        { numRuns: 300 },
      );
    });
  }

  it('still finds a redirected flow whose two directions share a key', () => {
    // Found by the property above: 3:2 -> 1:3 and its reply 1:3 -> 3:2 share key 1 under
    // this hash, and the redirect's unfiling of the reply side took the flow's own side too.
    const table = new FlowTable((_p, src, _sp, dst) => (src + dst) % 3);
    const out = tcpSegment(3, 2, 1, 3, TcpFlag.ACK, 0, 0);
    const e = table.open(out, 'outbound', 0);
    table.redirect(e, 5, 1);
    expect(table.find(out, 0)).toBe(e);
    expect(table.forward).toBe(true);
    expect(table.find(tcpSegment(5, 1, 3, 2, TcpFlag.ACK, 0, 0), 0)).toBe(e);
    expect(table.forward).toBe(false);
    expect(table.find(tcpSegment(1, 3, 3, 2, TcpFlag.ACK, 0, 0), 0)).toBeUndefined();
    table.remove(e);
    expect(table.size).toBe(0);
  });

  it('gives a tuple and its reverse different keys', () => {
    expect(flowKey(IpProtocol.TCP, 1, 2, 3, 4)).not.toBe(flowKey(IpProtocol.TCP, 3, 4, 1, 2));
    expect(Number.isSafeInteger(flowKey(IpProtocol.TCP, 0xffffffff, 65535, 0xffffffff, 65535))).toBe(true);
  });
});
