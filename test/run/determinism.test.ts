import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runScenario, traceHeader } from '../../src/run/index.js';
import { loadScenario } from '../../src/scenario/index.js';
import { TraceWriter } from '../../src/trace/index.js';

const tmp = mkdtempSync(join(tmpdir(), 'portsim-determinism-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function runTo(file: string, seed?: string): { report: string; trace: Buffer } {
  const loaded = loadScenario('scenarios/lime-stlucia-port25.yaml');
  const opts = { until: 3 * 86400, ...(seed === undefined ? {} : { seed }) };
  const w = new TraceWriter(join(tmp, file), traceHeader(loaded, opts));
  const { report } = runScenario(loaded, { ...opts, trace: w });
  w.close();
  return { report: JSON.stringify(report), trace: readFileSync(join(tmp, file)) };
}

describe('the same scenario and seed', () => {
  it('give the same report and the same trace, byte for byte', () => {
    const a = runTo('a.trace');
    const b = runTo('b.trace');
    expect(b.report).toBe(a.report);
    expect(b.trace.equals(a.trace)).toBe(true);
    expect(a.trace.length).toBeGreaterThan(1000);
  });

  it('while another seed gives another run', () => {
    const a = runTo('c.trace');
    const c = runTo('d.trace', '7');
    expect(c.report).not.toBe(a.report);
  });
});
