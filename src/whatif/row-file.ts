/**
 * A sweep's output file, written as rows finish so that an interrupted sweep keeps them, and
 * read back by `--resume`.
 *
 * - **CSV**: a header line, then one line per row, each appended with a single write. A line
 *   cut short by a crash is dropped on resume. When the sweep ends, the file is rewritten in
 *   row order.
 * - **JSON**: one document (`{ version, sweep, columns, rows }`), rewritten whole through a
 *   temporary file and a rename (after each row, or at most once a second given a clock, and
 *   at the end), so the file on disk is always complete, valid JSON.
 *
 * @module
 */
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { writeFileAtomic } from '../export/index.js';
import { csvLine, parseCsv } from './csv.js';
import { FIGURES, type Figures } from './figures.js';
import { cellText, jobKey, rowCells, rowKey, type SweepPlan, type SweepRow, sweepColumns, sweepJobs } from './sweep.js';

/** Version of the JSON file's shape. */
export const SWEEP_FILE_VERSION = 1;

/** A sweep file's format. */
export type RowFormat = 'csv' | 'json';

/** A sweep file that cannot be used: it exists without `--resume`, or does not match the sweep. */
export class RowFileError extends Error {
  override name = 'RowFileError';
}

/** An open sweep file. */
export interface RowFile {
  readonly path: string;
  readonly format: RowFormat;
  /** Rows the file already held (with `--resume`), in the plan's terms. */
  readonly resumed: readonly SweepRow[];
  /** Adds a row that has just finished. */
  append(row: SweepRow): void;
  /** Makes sure every row appended so far is on disk. */
  flush(): void;
  /** Rewrites the file with `rows` (resumed and new) in row order. */
  finish(rows: readonly SweepRow[]): void;
}

/** The format for `path`: as asked, or `.json` for JSON and CSV otherwise. */
export function formatFor(path: string, asked?: string): RowFormat {
  if (asked !== undefined) {
    if (asked !== 'csv' && asked !== 'json') throw new RowFileError(`unknown format '${asked}': use csv or json`);
    return asked;
  }
  return /\.json$/i.test(path) ? 'json' : 'csv';
}

/** The planned rows by key, with their run index, point and scenario hash. */
function plannedRows(plan: SweepPlan): Map<string, { run: number; point: number; seed: string; scenarioHash: string }> {
  const out = new Map<string, { run: number; point: number; seed: string; scenarioHash: string }>();
  for (const job of sweepJobs(plan)) {
    const point = Math.floor(job.index / plan.seeds.length);
    const hash = plan.points.find((p) => p.index === point)?.scenarioHash ?? '';
    out.set(jobKey(job), { run: job.index, point, seed: job.seed, scenarioHash: hash });
  }
  return out;
}

function rowFrom(plan: SweepPlan, planned: ReturnType<typeof plannedRows>, where: string, params: unknown[], variant: string, seed: string, hash: string, number: (key: string) => number): SweepRow {
  const key = rowKey(params.map(cellText), variant, seed);
  const p = planned.get(key);
  if (p === undefined) {
    throw new RowFileError(`${where}: this row (${plan.parameters.map((x, i) => `${x}=${cellText(params[i])}`).join(', ')}, variant ${variant}, seed ${seed}) is not part of this sweep: resume with the same --set, --variant and --seeds, or write to another file`);
  }
  if (p.scenarioHash !== hash) throw new RowFileError(`${where}: this row was made from another version of the scenario (hash ${hash.slice(0, 12)}…, now ${p.scenarioHash.slice(0, 12)}…): write to another file`);
  const figures = Object.fromEntries(FIGURES.map((f) => [f.key, number(f.key)])) as Figures;
  return {
    run: p.run,
    point: p.point,
    params: Object.fromEntries(plan.parameters.map((x, i) => [x, params[i]])),
    variant,
    seed,
    scenarioHash: hash,
    figures,
    spamStopped: number('spamStopped'),
    legitHarmed: number('legitHarmed'),
  };
}

function readCsvRows(path: string, plan: SweepPlan, text: string): SweepRow[] {
  let parsed;
  try {
    parsed = parseCsv(text);
  } catch (e) {
    throw new RowFileError(`${path}: not a CSV file of a sweep (${(e as Error).message})`);
  }
  const [header, ...records] = parsed.records;
  const columns = sweepColumns(plan);
  if (header === undefined) return [];
  if (header.join(',') !== columns.join(',')) {
    throw new RowFileError(`${path}: its columns (${header.join(', ')}) are not this sweep's (${columns.join(', ')}): resume with the same --set options, or write to another file`);
  }
  const planned = plannedRows(plan);
  const at = (name: string): number => columns.indexOf(name);
  const seen = new Set<string>();
  const rows: SweepRow[] = [];
  records.forEach((cells, i) => {
    const where = `${path}:${i + 2}`;
    if (cells.length !== columns.length) throw new RowFileError(`${where}: ${cells.length} fields where the header has ${columns.length}`);
    const params = plan.parameters.map((_, k) => cells[1 + k] as string);
    const variant = cells[at('variant')] as string;
    const seed = cells[at('seed')] as string;
    const row = rowFrom(plan, planned, where, params, variant, seed, cells[at('scenarioHash')] as string, (key) => {
      const v = Number(cells[at(key)]);
      if (!Number.isFinite(v)) throw new RowFileError(`${where}: ${key} is not a number: ${JSON.stringify(cells[at(key)])}`);
      return v;
    });
    // A row written twice (never by portsim, but a file may be edited): keep the first.
    const key = rowKey(params, variant, seed);
    if (seen.has(key)) return;
    seen.add(key);
    row.params = Object.fromEntries(plan.parameters.map((x) => [x, plan.points.find((p) => p.index === row.point)?.settings.find((s) => s.path === x)?.value]));
    rows.push(row);
  });
  return rows;
}

function readJsonRows(path: string, plan: SweepPlan, text: string): SweepRow[] {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new RowFileError(`${path}: not a JSON file of a sweep (${(e as Error).message})`);
  }
  const d = doc as { version?: unknown; rows?: unknown; sweep?: { parameters?: unknown } };
  if (typeof doc !== 'object' || doc === null || d.version !== SWEEP_FILE_VERSION || !Array.isArray(d.rows)) throw new RowFileError(`${path}: not a JSON file of a sweep (version ${SWEEP_FILE_VERSION})`);
  if (JSON.stringify(d.sweep?.parameters) !== JSON.stringify(plan.parameters)) {
    throw new RowFileError(`${path}: it sweeps ${JSON.stringify(d.sweep?.parameters)}, not ${JSON.stringify(plan.parameters)}: resume with the same --set options, or write to another file`);
  }
  const planned = plannedRows(plan);
  const seen = new Set<string>();
  const rows: SweepRow[] = [];
  (d.rows as unknown[]).forEach((raw, i) => {
    const where = `${path}: rows[${i}]`;
    const r = raw as Record<string, unknown>;
    const params = r['params'] as Record<string, unknown> | undefined;
    if (typeof r !== 'object' || r === null || typeof params !== 'object' || params === null) throw new RowFileError(`${where}: not a sweep row`);
    const values = plan.parameters.map((p) => params[p]);
    const row = rowFrom(plan, planned, where, values, String(r['variant']), String(r['seed']), String(r['scenarioHash']), (key) => {
      const v = r[key];
      if (typeof v !== 'number') throw new RowFileError(`${where}: ${key} is not a number`);
      return v;
    });
    const key = rowKey(values.map(cellText), row.variant, row.seed);
    if (seen.has(key)) return;
    seen.add(key);
    rows.push(row);
  });
  return rows;
}

/** A row as the JSON file holds it: figures beside the identity, as in the CSV. */
export function jsonRow(row: SweepRow): Record<string, unknown> {
  return { run: row.run, params: row.params, variant: row.variant, seed: row.seed, scenarioHash: row.scenarioHash, ...row.figures, spamStopped: row.spamStopped, legitHarmed: row.legitHarmed };
}

function jsonDocument(plan: SweepPlan, rows: readonly SweepRow[]): string {
  return `${JSON.stringify(
    {
      version: SWEEP_FILE_VERSION,
      sweep: {
        scenario: { file: plan.file, title: plan.title, hash: plan.sourceHash },
        parameters: plan.parameters,
        variant: plan.variant,
        seeds: plan.seeds,
        points: plan.points.length,
        ...(plan.until === undefined ? {} : { until: plan.until }),
        ...(plan.lateAfter === undefined ? {} : { lateAfter: plan.lateAfter }),
      },
      columns: sweepColumns(plan).filter((c) => !plan.parameters.includes(c)),
      rows: rows.map(jsonRow),
    },
    null,
    2,
  )}\n`;
}

function sorted(rows: readonly SweepRow[]): SweepRow[] {
  return [...rows].sort((a, b) => a.run - b.run);
}

/**
 * Opens `path` for the rows of `plan`. Without `resume` the file must not exist (unless
 * `overwrite`); with it, the rows it holds are read (and must belong to this sweep).
 *
 * @throws RowFileError when the file exists without `resume`, or does not match the sweep
 */
export function openRowFile(path: string, format: RowFormat, plan: SweepPlan, mode: { resume?: boolean; overwrite?: boolean; clock?: () => number } = {}): RowFile {
  const exists = existsSync(path);
  if (mode.resume === true && mode.overwrite === true) throw new RowFileError('--resume keeps the rows of the file and --force discards them: give one or the other');
  if (exists && mode.resume !== true && mode.overwrite !== true) {
    throw new RowFileError(`${path} exists: add --resume to carry on from its rows, or --force to start it again`);
  }
  let resumed: SweepRow[] = [];
  if (exists && mode.resume === true) {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (e) {
      throw new RowFileError(`cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
    }
    resumed = format === 'csv' ? readCsvRows(path, plan, text) : readJsonRows(path, plan, text);
  }
  const rows: SweepRow[] = [...resumed];
  let lastFlush = 0;
  let dirty = false;
  const writeAll = (all: readonly SweepRow[]): void => {
    if (format === 'csv') writeFileAtomic(path, [csvLine(sweepColumns(plan)), ...sorted(all).map((r) => csvLine(rowCells(plan, r)))].join(''));
    else writeFileAtomic(path, jsonDocument(plan, sorted(all)));
    dirty = false;
  };
  // A fresh start, or a clean copy of what was resumed (dropping a line cut short).
  writeAll(rows);
  return {
    path,
    format,
    resumed,
    append(row) {
      rows.push(row);
      if (format === 'csv') {
        appendFileSync(path, csvLine(rowCells(plan, row)));
        return;
      }
      dirty = true;
      // Rewriting the whole document for every row costs quadratic time on big sweeps: with a
      // clock, write at most once a second (the caller flushes at the end and on Ctrl-C).
      const now = mode.clock?.() ?? Infinity;
      if (mode.clock === undefined || now - lastFlush >= 1) {
        lastFlush = now;
        writeAll(rows);
      }
    },
    flush() {
      if (dirty) writeAll(rows);
    },
    finish(all) {
      writeAll(all);
    },
  };
}
