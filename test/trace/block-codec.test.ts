import { describe, expect, it } from 'vitest';
import { BlockEncoder, decodeBlock } from '../../src/trace/block-codec.js';
import type { TraceEvent } from '../../src/trace/index.js';

// The encoder checks each field as it writes it and names what is wrong, so that a bug in
// whatever emits records shows where it is instead of as a corrupt trace.
describe('a block encoder given a malformed record', () => {
  const packet = { kind: 'packet', t: 1, flow: 7, from: 'client', src: '10.0.0.1', dst: '192.0.2.1', proto: 'TCP', sport: 40000, dport: 25, flags: 'S', seq: 0, ack: 0, len: 0, info: '' };
  const cases: [string, Record<string, unknown>, string][] = [
    ['a missing field', { kind: 'user', t: 1, group: 'g', client: 'c', what: 'w' }, 'trace: user record at t=1 lacks "detail"'],
    ['text that is not text', { kind: 'user', t: 1, group: 'g', client: 3, what: 'w', detail: '' }, 'trace: user record at t=1: "client" should be text, got 3'],
    ['a negative whole number', { kind: 'queue', t: 2, server: 'mx', depth: -1 }, 'trace: queue record at t=2: "depth" should be a whole number ≥ 0, got -1'],
    ['a fraction for a whole number', { kind: 'queue', t: 2, server: 'mx', depth: 1.5 }, 'trace: queue record at t=2: "depth" should be a whole number ≥ 0, got 1.5'],
    ['a negative duration', { kind: 'connect', t: 3, flow: 1, group: 'g', client: 'c', server: 's', port: 25, outcome: 'ok', elapsed: -0.1 }, 'trace: connect record at t=3: "elapsed" should be seconds ≥ 0, got -0.1'],
    ['a flag that is not true or false', { kind: 'listing', t: 4, list: 'l', ip: '10.0.0.1', bits: 32, listed: 'yes' }, 'trace: listing record at t=4: "listed" should be true or false, got "yes"'],
    ['a half ICMP header', { ...packet, icmp: { type: 3 } }, 'trace: packet record at t=1: "icmp" should be {type, code}, got {"type":3}'],
    ['a verdict without its action', { ...packet, verdict: { isp: 'metro', rule: 'block-25' } }, 'trace: packet record at t=1: "verdict" should be {isp, rule, action}, got {"isp":"metro","rule":"block-25"}'],
    ['an unknown kind', { kind: 'telegram', t: 1 }, 'trace: unknown record kind "telegram"'],
  ];
  it.each(cases)('refuses %s, naming the record and the field', (_what, record, message) => {
    expect(() => new BlockEncoder().add(record as unknown as TraceEvent)).toThrow(new TypeError(message));
  });

  it('writes optional fields only where present, and reads every field back as it was', () => {
    const records = [
      { ...packet },
      { ...packet, t: 1.5, icmp: { type: 3, code: 13 }, verdict: { isp: 'metro', rule: 'block-25', action: 'drop' }, group: 'consumer', client: 'consumer-1' },
      { kind: 'connect', t: 2, flow: 1, group: 'g', client: 'c', server: 's', port: 587, outcome: 'refused', errno: 'ECONNREFUSED', elapsed: 0.040001 },
      { kind: 'message', t: 3, msg: 9, group: 'g', client: 'c', cls: 'legit', stage: 'deferred', port: 25, attempt: 2 },
      { kind: 'listing', t: 3, list: 'l', ip: '10.0.0.1', bits: 32, listed: false },
    ] as unknown as TraceEvent[];
    expect(decodeBlock(new BlockEncoder().encode(records))).toEqual(records);
  });
});
