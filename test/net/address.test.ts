import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AddressError, AddressPool, formatAddress, parseAddress, parsePrefix, Prefix } from '../../src/net/index.js';

describe('IPv4 addresses', () => {
  it('reads and writes dotted quads as unsigned 32-bit numbers', () => {
    expect(parseAddress('10.0.0.1')).toBe(0x0a000001);
    expect(parseAddress('255.255.255.255')).toBe(0xffffffff);
    expect(formatAddress(0xc0000219)).toBe('192.0.2.25');
  });

  it('round-trips every address', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 0xffffffff }), (a) => parseAddress(formatAddress(a)) === a));
  });

  it('refuses text that is not an address, saying which part is wrong', () => {
    expect(() => parseAddress('10.0.0')).toThrow(AddressError);
    expect(() => parseAddress('10.0.0.256')).toThrow(/"256" is not a number from 0 to 255/);
    expect(() => parseAddress('10.0.0.01')).toThrow(/"01"/);
  });
});

describe('prefixes', () => {
  it('contain exactly the addresses sharing their leading bits', () => {
    const p = parsePrefix('192.0.2.0/24');
    expect(p.contains(parseAddress('192.0.2.0'))).toBe(true);
    expect(p.contains(parseAddress('192.0.2.255'))).toBe(true);
    expect(p.contains(parseAddress('192.0.3.0'))).toBe(false);
    expect(p.size).toBe(256);
    expect(p.toString()).toBe('192.0.2.0/24');
    expect(parsePrefix('0.0.0.0/0').contains(0xffffffff)).toBe(true);
  });

  it('nest or are disjoint, and covers() agrees with contains() on every address', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 0, max: 32 }), fc.integer({ min: 0, max: 32 }), fc.integer({ min: 0, max: 0xffffffff }), (a, la, lb, probe) => {
        const pa = new Prefix((a & (la === 0 ? 0 : (0xffffffff << (32 - la)) >>> 0)) >>> 0, la);
        const pb = new Prefix((a & (lb === 0 ? 0 : (0xffffffff << (32 - lb)) >>> 0)) >>> 0, lb);
        if (pa.covers(pb) && pb.contains(probe)) expect(pa.contains(probe)).toBe(true);
        expect(pa.overlaps(pb)).toBe(true); // both hold `a`
      }),
    );
  });

  it('refuses host bits and suggests the block meant', () => {
    expect(() => parsePrefix('10.0.0.1/8')).toThrow(/did you mean 10.0.0.0\/8/);
    expect(() => parsePrefix('10.0.0.0/33')).toThrow(AddressError);
  });
});

describe('address pools', () => {
  it('hand out addresses in order, skip network, broadcast and reserved addresses, and reuse returned ones', () => {
    const p = parsePrefix('10.9.0.0/30'); // .0 network, .1 .2 hosts, .3 broadcast
    const pool = new AddressPool([p, parsePrefix('10.9.1.0/31')], [parseAddress('10.9.0.1')]);
    const a = pool.take();
    expect(formatAddress(a)).toBe('10.9.0.2');
    expect(formatAddress(pool.take())).toBe('10.9.1.0');
    expect(formatAddress(pool.take())).toBe('10.9.1.1');
    expect(() => pool.take()).toThrow(/exhausted/);
    pool.release(a);
    expect(pool.take()).toBe(a);
  });
});
