import { describe, expect, it } from 'vitest';
import { runHold, runSessions } from '../../bench/workloads.js';

// The checksums of shared/bench/WORKLOADS.md, seed 42: the same event sequence as the C, Node,
// ns-3 and SimPy references, on both kernel APIs. Speed is measured by `npm run bench`, never here.
describe.each(['callback', 'process'] as const)('reference workloads, %s API', (api) => {
  it('A, N=1000 E=1e6: final_t and sum_id equal the Node reference', () => {
    const r = runHold(1000, 1_000_000, api);
    expect(r.events).toBe(1_000_000);
    expect(r.sumId).toBe(499633457);
    expect(r.finalT).toBe(999.69989437509241);
  });

  it('B, C=1000 T=3000: all counts equal the reference', () => {
    const r = runSessions(1000, 3000, api);
    expect({ ...r, wallSeconds: 0 }).toEqual({
      events: 1085246, sessions: 49322, think: 49335, grant: 49335, leg: 986576, waited: 0, queue: 0, busy: 13, wallSeconds: 0,
    });
  });

  it('B, C=1e5 T=500 (saturated server): all counts equal the reference', () => {
    const r = runSessions(100_000, 500, api);
    expect({ ...r, wallSeconds: 0 }).toEqual({
      events: 1193753, sessions: 49900, think: 143866, grant: 50000, leg: 999887, waited: 49900, queue: 93866, busy: 100, wallSeconds: 0,
    });
  });
});
