/**
 * `npm run bench`: the kernel on the reference workloads.
 *
 *   npm run bench -- hold N E [--api callback|process] [--seed S]
 *   npm run bench -- sessions C T [--api callback|process] [--seed S]
 *   npm run bench -- scenario FILE [--variant V] [--seed S] [--until DURATION] [--trace PATH] [--json]
 *   npm run bench [-- --json] [--reps R]      the standard table, every configuration
 *
 * A single run prints one key=value line in the reference programs' format, so that
 * shared/bench/run.sh can measure portsim beside ns-3, SimPy, C and plain Node. A scenario
 * run prints the same kind of line (or, with --json, one JSON object): see `scenario.ts`.
 *
 * @module
 */
import { spawnSync } from 'node:child_process';
import { resourceUsage } from 'node:process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { DurationError, parseDuration } from '../src/engine/index.js';
import { type Api, runHold, runSessions } from './workloads.js';

const USAGE = `usage:
  npm run bench -- hold N E [--api callback|process] [--seed S]
  npm run bench -- sessions C T [--api callback|process] [--seed S]
  npm run bench -- scenario FILE [--variant V] [--seed S] [--until DURATION] [--trace PATH] [--json]
  npm run bench [-- --json] [--reps R]`;

class UsageError extends Error {}

function fmt17(x: number): string {
  return x.toPrecision(17).replace(/\.?0+$/, '');
}

function count(text: string | undefined, what: string): number {
  const v = Number(text);
  if (text === undefined || !Number.isFinite(v) || v < 0) throw new UsageError(`${what} must be a number >= 0, got ${text ?? 'nothing'}`);
  return v;
}

function single(kind: string, a: string | undefined, b: string | undefined, api: Api, seed: string): string {
  const s = BigInt(seed);
  if (kind === 'hold') {
    const n = Math.round(count(a, 'N'));
    const e = Math.round(count(b, 'E'));
    if (n < 1) throw new UsageError('N must be at least 1');
    const r = runHold(n, e, api, s);
    return (
      `engine=portsim-${api} workload=A N=${n} E=${e} events=${r.events} wall_s=${r.wallSeconds.toFixed(4)} ` +
      `ev_per_s=${Math.round(r.events / r.wallSeconds)} final_t=${fmt17(r.finalT)} sum_id=${r.sumId} maxrss_kb=${resourceUsage().maxRSS}`
    );
  }
  const c = Math.round(count(a, 'C'));
  const t = count(b, 'T');
  if (c < 1) throw new UsageError('C must be at least 1');
  const r = runSessions(c, t, api, undefined, s);
  return (
    `engine=portsim-${api} workload=B C=${c} T=${t} K=100 events=${r.events} sessions=${r.sessions} ` +
    `wall_s=${r.wallSeconds.toFixed(4)} ev_per_s=${Math.round(r.events / r.wallSeconds)} ` +
    `sess_per_s=${Math.round(r.sessions / r.wallSeconds)} think=${r.think} grant=${r.grant} leg=${r.leg} ` +
    `waited=${r.waited} queue=${r.queue} busy=${r.busy} maxrss_kb=${resourceUsage().maxRSS}`
  );
}

interface Row {
  label: string;
  api: Api;
  args: [string, string, string];
}

const TABLE: Omit<Row, 'api'>[] = [
  { label: 'A N=1e3', args: ['hold', '1e3', '5e6'] },
  { label: 'A N=1e4', args: ['hold', '1e4', '5e6'] },
  { label: 'A N=1e5', args: ['hold', '1e5', '5e6'] },
  { label: 'A N=1e6', args: ['hold', '1e6', '5e6'] },
  { label: 'B1 C=1e3', args: ['sessions', '1e3', '14000'] },
  { label: 'B2 C=1e5', args: ['sessions', '1e5', '2300'] },
];

function parseLine(line: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const tok of line.trim().split(/\s+/)) {
    const i = tok.indexOf('=');
    if (i > 0) out[tok.slice(0, i)] = tok.slice(i + 1);
  }
  return out;
}

function median(xs: number[]): number {
  const s = [...xs].sort((x, y) => x - y);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

function table(json: boolean, reps: number): void {
  const self = fileURLToPath(import.meta.url);
  const results: Record<string, unknown>[] = [];
  for (const base of TABLE) {
    for (const api of ['callback', 'process'] as const) {
      const runs: Record<string, string>[] = [];
      for (let k = 0; k < reps; k++) {
        // Each run in its own process, so that its peak RSS is its own.
        const r = spawnSync(process.execPath, [self, ...base.args, '--api', api], { encoding: 'utf8' });
        if (r.status !== 0) throw new Error(`bench ${base.args.join(' ')} --api ${api} failed:\n${r.stderr}`);
        runs.push(parseLine(r.stdout));
      }
      const evs = runs.map((r) => Number(r.ev_per_s));
      const rss = runs.map((r) => Number(r.maxrss_kb) / 1024);
      const first = runs[0] as Record<string, string>;
      const row = {
        config: base.label,
        api,
        events: Number(first.events),
        eventsPerSecond: Math.round(median(evs)),
        min: Math.round(Math.min(...evs)),
        max: Math.round(Math.max(...evs)),
        peakRssMiB: Math.round(median(rss) * 10) / 10,
        checksum: first.sum_id !== undefined ? `sum_id=${first.sum_id}` : `sessions=${first.sessions}`,
      };
      results.push(row);
      if (!json) {
        process.stdout.write(
          `${row.config.padEnd(9)} ${api.padEnd(8)} ${fmtRate(row.eventsPerSecond).padStart(9)} ev/s ` +
            `(${fmtRate(row.min)}–${fmtRate(row.max)})  ${row.peakRssMiB.toFixed(1).padStart(6)} MiB  ` +
            `${row.events} events  ${row.checksum}\n`,
        );
      }
    }
  }
  if (json) process.stdout.write(`${JSON.stringify({ engine: 'portsim', node: process.version, reps, results }, null, 2)}\n`);
}

/** Reads `--until`: a duration with its unit (`1d`, `6h`). */
function untilArg(text: string): number {
  try {
    return parseDuration(text);
  } catch (e) {
    if (e instanceof DurationError) throw new UsageError(`--until: ${e.message}`);
    throw e;
  }
}

function fmtRate(x: number): string {
  return x >= 1e6 ? `${(x / 1e6).toFixed(2)} M` : `${(x / 1e3).toFixed(1)} k`;
}

async function main(argv: string[]): Promise<number> {
  let scenario = false;
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        api: { type: 'string' },
        seed: { type: 'string' },
        json: { type: 'boolean', default: false },
        reps: { type: 'string' },
        variant: { type: 'string' },
        until: { type: 'string' },
        trace: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
    if (values.help) {
      process.stdout.write(`${USAGE}\n`);
      return 0;
    }
    if (values.seed !== undefined && !/^\d+$/.test(values.seed)) throw new UsageError(`--seed must be a whole number, got ${values.seed}`);
    const [kind, a, b, ...rest] = positionals;
    const only = (given: Record<string, unknown>, where: string): void => {
      const wrong = Object.keys(given).filter((k) => given[k] !== undefined);
      if (wrong.length > 0) throw new UsageError(`--${wrong[0]} does not apply to ${where}`);
    };
    if (kind === 'scenario') {
      only({ api: values.api, reps: values.reps }, 'bench scenario');
      if (a === undefined) throw new UsageError('bench scenario needs a scenario FILE');
      if (b !== undefined) throw new UsageError(`bench scenario takes one FILE, got also "${[b, ...rest].join(' ')}"`);
      scenario = true;
      // Loaded only here: the scenario runner brings in the whole application (about 25 MB of
      // memory), which would otherwise weigh on the peak RSS of every hold and sessions run.
      const { benchScenario, scenarioJson, scenarioLine } = await import('./scenario.js');
      // The heap grows as it does under `portsim run`, so that the figures are the command's.
      (await import('../src/cli/heap.js')).tuneHeap();
      const r = await benchScenario(a, {
        ...(values.variant === undefined ? {} : { variant: values.variant }),
        ...(values.seed === undefined ? {} : { seed: values.seed }),
        ...(values.until === undefined ? {} : { until: untilArg(values.until) }),
        ...(values.trace === undefined ? {} : { trace: values.trace }),
        err: (t) => process.stderr.write(t),
        progress: process.stderr.isTTY === true,
      });
      process.stdout.write(`${values.json ? scenarioJson(r) : scenarioLine(r)}\n`);
      return 0;
    }
    if (kind !== undefined && ((kind !== 'hold' && kind !== 'sessions') || rest.length > 0)) throw new UsageError(`unknown bench "${positionals.join(' ')}"`);
    only({ variant: values.variant, until: values.until, trace: values.trace }, kind === undefined ? 'the standard table' : `bench ${kind}`);
    const api = values.api ?? 'callback';
    if (api !== 'callback' && api !== 'process') throw new UsageError(`--api must be callback or process, got ${api}`);
    if (kind === undefined) {
      const reps = Math.round(count(values.reps ?? '3', '--reps'));
      if (reps < 1) throw new UsageError('--reps must be at least 1');
      table(values.json, reps);
      return 0;
    }
    process.stdout.write(`${single(kind, a, b, api, values.seed ?? '42')}\n`);
    return 0;
  } catch (e) {
    if (e instanceof UsageError || (e instanceof TypeError && 'code' in e)) {
      process.stderr.write(`bench: ${e.message}\n${USAGE}\n`);
      return 2;
    }
    // A bad scenario, variant or world: already reported at its place in the file.
    if (scenario) {
      const { CommanderError } = await import('commander');
      if (e instanceof CommanderError && e.code.startsWith('portsim.')) return e.exitCode;
    }
    throw e;
  }
}

process.exitCode = await main(process.argv.slice(2));
