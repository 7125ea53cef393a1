import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openTrace, type TraceHeader, TraceWriter } from '../../src/trace/index.js';

const tmp = mkdtempSync(join(tmpdir(), 'portsim-us-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const header: TraceHeader = {
  title: 't',
  variant: 'base',
  scenario: '{}',
  scenarioHash: '0',
  seed: '1',
  engineVersion: '0',
  start: '2009-01-01T00:00:00.000Z',
  entities: { isps: [], groups: [], servers: [], lists: [] },
};

describe('times that are not whole microseconds', () => {
  it('are stored rounded, and every block reads back matching its index', () => {
    const path = join(tmp, 'odd-times.trace');
    const w = new TraceWriter(path, header, { blockSize: 3 });
    // Simulated times like 0.1 + 0.2 are not whole microseconds in binary.
    const times = [0.1 + 0.2, 1.6115000000001, 2.0000004, 2.0000006, 3.1415926535, 10.00000049];
    for (const t of times) w.write({ kind: 'change', t, text: `at ${t}` });
    w.close();
    const trace = openTrace(path, { verify: true });
    expect(Array.from({ length: trace.length }, (_, i) => trace.at(i).t)).toEqual([0.3, 1.6115, 2, 2.000001, 3.141593, 10]);
    trace.close();
  });
});
