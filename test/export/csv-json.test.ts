import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.js';
import { CSV_COLUMNS } from '../../src/export/index.js';
import { runScenario, traceHeader } from '../../src/run/index.js';
import { loadScenario } from '../../src/scenario/index.js';
import { openTrace, TraceWriter } from '../../src/trace/index.js';
import { parseCsv } from '../../src/whatif/index.js';

const dir = mkdtempSync(join(tmpdir(), 'portsim-export-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const trace = join(dir, 'small.trace');

beforeAll(() => {
  const loaded = loadScenario('test/whatif/fixtures/small-isp.yaml');
  const opts = { variant: 'reset', seed: '11', until: 8 * 3600 };
  const w = new TraceWriter(trace, traceHeader(loaded, opts));
  runScenario(loaded, { ...opts, trace: w });
  w.close();
});

async function cli(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runCli(args, (s) => (out += s), (s) => (err += s));
  return { code, out, err };
}

describe('portsim export --csv and --json', () => {
  it('write every record with the run\'s scenario hash, seed and variant', async () => {
    const csv = join(dir, 'all.csv');
    const json = join(dir, 'all.json');
    const r = await cli('export', trace, '--csv', csv, '--json', json);
    expect(r.code, r.err).toBe(0);
    const t = openTrace(trace);
    const { header, length } = t;
    t.close();
    expect(r.out).toContain(`${length.toLocaleString('en-US')} records written to ${csv}`);

    const { records, partial } = parseCsv(readFileSync(csv, 'utf8'));
    expect(partial).toBe(false);
    expect(records[0]).toEqual([...CSV_COLUMNS]);
    expect(records.length - 1).toBe(length);
    for (const row of records.slice(1)) expect(row.slice(0, 3)).toEqual([header.scenarioHash, '11', 'reset']);
    const col = (name: string): number => records[0]?.indexOf(name) ?? -1;
    const reset = records.find((row) => row[col('kind')] === 'packet' && row[col('flags')] === 'R.');
    expect(reset?.[col('verdictRule')]).toBe('block-25');
    expect(reset?.[col('time')]).toMatch(/^2024-03-04T0\d:\d\d:\d\d\.\d{6}Z$/);

    const doc = JSON.parse(readFileSync(json, 'utf8')) as { context: Record<string, unknown>; events: { index: number; kind: string; time: string }[] };
    expect(doc.context).toMatchObject({ scenarioHash: header.scenarioHash, seed: '11', variant: 'reset', start: '2024-03-04T00:00:00.000Z' });
    expect(doc.events).toHaveLength(length);
    expect(doc.events[0]?.index).toBe(0);
    expect(doc.events[0]?.time).toMatch(/^2024-03-04T00:00:\d\d\.\d{6}Z$/);
  });

  it('keep only the kinds asked for', async () => {
    const csv = join(dir, 'messages.csv');
    expect((await cli('export', trace, '--csv', csv, '--kinds', 'message,user')).code).toBe(0);
    const kinds = new Set(parseCsv(readFileSync(csv, 'utf8')).records.slice(1).map((r) => r[CSV_COLUMNS.indexOf('kind')]));
    expect(kinds).toEqual(new Set(['message', 'user']));
  });
});

describe('portsim export with bad input', () => {
  it('ends with exit code 2 and a message, no stack trace, and leaves no file behind', async () => {
    const cases: [string[], string | RegExp][] = [
      [['export', trace], 'say what to write: --csv FILE, --json FILE and/or --pcap FILE'],
      [['export', join(dir, 'none.trace'), '--csv', join(dir, 'x.csv')], /none\.trace: no such file/],
      [['export', trace, '--csv', join(dir, 'x.csv'), '--kinds', 'mesage'], "unknown record kind 'mesage' — did you mean 'message'?"],
      [['export', trace, '--pcap', join(dir, 'no-such-folder', 'x.pcap')], /cannot write .*x\.pcap: no such folder/],
    ];
    const garbage = join(dir, 'garbage.trace');
    writeFileSync(garbage, 'not a trace\n');
    cases.push([['export', garbage, '--json', join(dir, 'x.json')], 'not a portsim trace']);
    for (const [args, message] of cases) {
      const r = await cli(...args);
      expect(r.code, args.join(' ')).toBe(2);
      if (typeof message === 'string') expect(r.err).toContain(message);
      else expect(r.err).toMatch(message);
      expect(r.err).not.toMatch(/\n\s+at /);
    }
    expect(existsSync(join(dir, 'x.csv')) || existsSync(join(dir, 'x.json'))).toBe(false);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
});

describe('an export stopped mid-way', () => {
  // Half a day of 10,000 subscribers: about 700,000 records, seconds to export as JSON.
  const big = join(dir, 'big.trace');
  beforeAll(() => {
    const loaded = loadScenario('scenarios/bench/isp-10k-week.yaml');
    const opts = { variant: 'base', until: 12 * 3600 };
    const w = new TraceWriter(big, traceHeader(loaded, opts));
    runScenario(loaded, { ...opts, trace: w });
    w.close();
  }, 120_000);

  async function exportUnderway(name: string, args: string[], ready: (files: string[]) => boolean): Promise<{ child: ChildProcess; out: string; done: Promise<{ code: number | null; err: string }> }> {
    const out = mkdtempSync(join(dir, `${name}-`));
    const root = fileURLToPath(new URL('../..', import.meta.url));
    const child = spawn(process.execPath, [join(root, 'bin', 'portsim.js'), 'export', big, ...args.map((a) => (a.startsWith('--') ? a : join(out, a)))], { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
    const done = new Promise<{ code: number | null; err: string }>((resolve) => child.on('close', (code) => resolve({ code, err })));
    const deadline = Date.now() + 60_000;
    while (!ready(readdirSync(out))) {
      if (Date.now() > deadline) throw new Error(`the export never got under way: ${readdirSync(out).join(', ')}`);
      await new Promise((r) => setTimeout(r, 10));
    }
    return { child, out, done };
  }

  it('by Ctrl-C exits 130 and leaves nothing, not even its temporary file', async () => {
    const { child, out, done } = await exportUnderway('int', ['--json', 'all.json'], (files) => files.some((f) => f.endsWith('.tmp')));
    child.kill('SIGINT');
    const { code, err } = await done;
    expect(code).toBe(130);
    expect(err).toBe(`portsim export: interrupted; nothing was written to ${join(out, 'all.json')}\n`);
    expect(readdirSync(out)).toEqual([]);
  }, 120_000);

  it.each([
    ['SIGTERM', 143],
    ['SIGHUP', 129],
  ] as const)('by %s exits %i, keeps the file it had finished and removes the one it was writing', async (signal, exitCode) => {
    const { child, out, done } = await exportUnderway(signal, ['--csv', 'all.csv', '--json', 'all.json'], (files) => files.includes('all.csv') && files.some((f) => f.endsWith('.tmp')));
    child.kill(signal);
    const { code, err } = await done;
    expect(code).toBe(exitCode);
    expect(err).toBe(`portsim export: interrupted; nothing was written to ${join(out, 'all.json')} (${join(out, 'all.csv')} was written before)\n`);
    expect(readdirSync(out)).toEqual(['all.csv']);
    expect(readFileSync(join(out, 'all.csv'), 'utf8').split('\n')[0]).toBe(CSV_COLUMNS.join(','));
  }, 120_000);
});

it('leaves no temporary file when the process ends in the middle of writing one', () => {
  const out = mkdtempSync(join(dir, 'exit-'));
  const root = fileURLToPath(new URL('../..', import.meta.url));
  // What a second Ctrl-C does to an export: process.exit while its file is half written.
  const script = [
    `import { readdirSync } from 'node:fs';`,
    `import { openAtomic } from ${JSON.stringify(join(root, 'dist', 'src', 'export', 'index.js'))};`,
    `openAtomic(${JSON.stringify(join(out, 'all.csv'))}).write('half a file');`,
    `console.log(JSON.stringify(readdirSync(${JSON.stringify(out)})));`,
    'process.exit(130);',
  ].join('\n');
  const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
  expect(child.status, child.stderr).toBe(130);
  expect(JSON.parse(child.stdout)).toEqual([expect.stringMatching(/^\.all\.csv\.\d+\.tmp$/)]);
  expect(readdirSync(out)).toEqual([]);
});
