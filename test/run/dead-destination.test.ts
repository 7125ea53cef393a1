import { describe, expect, it } from 'vitest';
import { runScenario } from '../../src/run/index.js';
import { loadScenario } from '../../src/scenario/index.js';
import type { TraceEvent } from '../../src/trace/index.js';

// A family sends through the Postfix server at home, whose line has port 25 blocked. Each
// connection the server tries times out after 30 s and marks the far MX dead for 300 s; mail
// that falls due meanwhile is deferred without a connection, and says so.
describe('a home MTA behind a port-25 block', () => {
  const loaded = loadScenario('test/run/fixtures/home-mta-blocked.yaml');
  const records: TraceEvent[] = [];
  const run = runScenario(loaded, { trace: { write: (e) => records.push(e) } });
  const deferred = records.filter((e): e is Extract<TraceEvent, { kind: 'message' }> => e.kind === 'message' && e.stage === 'deferred');
  const suspended = deferred.filter((e) => e.cause?.startsWith('delivery temporarily suspended: ') === true);
  const tried = deferred.filter((e) => !suspended.includes(e));

  it('defers most of its mail without connecting, naming the block behind it', () => {
    expect(suspended.length).toBeGreaterThan(tried.length);
    for (const e of suspended) {
      expect(e).toMatchObject({ cause: 'delivery temporarily suspended: connection timed out (ETIMEDOUT)', rule: 'home/block-25', server: 'mx.far.example' });
      expect(e.flow).toBeUndefined();
    }
  });

  it('makes one blocked connection per real attempt, and starts none while the MX is dead', () => {
    const flows = run.report.rules.find((r) => r.rule === 'block-25')?.flows;
    expect(flows).toBe(tried.length);
    // A real attempt is traced when it fails, 30 s after it began. Attempts already under way
    // when the MX died run their course; none begins in the 300 s after a failure.
    const ends = tried.map((e) => e.t);
    for (const end of ends) {
      const start = end - 30;
      const deadSince = ends.filter((t) => t < start - 1e-6 && start < t + 300 - 1e-6);
      expect({ start, deadSince }).toEqual({ start, deadSince: [] });
    }
    expect(ends.length).toBeGreaterThan(5);
  });
});
