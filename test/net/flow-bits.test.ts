import { describe, expect, it } from 'vitest';
import { FlowBits } from '../../src/net/flow-bits.js';

describe('FlowBits', () => {
  it('hold the flow ids added, and no others, however far apart', () => {
    const bits = new FlowBits();
    const ids = [0, 1, 31, 32, 33, 1000, 32767, 32768, 1_000_003];
    for (const id of ids) bits.add(id);
    for (const id of ids) expect(bits.has(id)).toBe(true);
    for (const id of [2, 30, 34, 999, 1001, 32769, 1_000_002, 1_000_004, 2 ** 31]) expect(bits.has(id)).toBe(false);
  });
});
